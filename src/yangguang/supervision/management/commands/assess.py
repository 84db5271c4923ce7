"""``yangguang assess --org CODE --month YYYY-MM``: (re)compute and store the month's window and
staff scores under the formula in force. Idempotent: running it again replaces the month's rows."""

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation
from yangguang.supervision import assessment


class Command(BaseCommand):
    help = "月度考核：按考核办法计算并保存某月各窗口和人员的得分与名次（红旗窗口、服务标兵）"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="政务服务中心的机构编码")
        parser.add_argument("--month", required=True, metavar="YYYY-MM", help="考核月份，如 2026-10")

    def handle(self, *args, org, month, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"--org：找不到编码为“{org}”的机构")
        try:
            first = assessment.parse_month(month)
        except assessment.ValidationError:
            raise fail(f"--month：“{month}”应为 YYYY-MM 格式的月份，如 2026-10") from None
        try:
            result = assessment.assess(actor=None, organisation=organisation, month=first)
        except assessment.ValidationError as exc:
            raise fail("；".join(exc.messages)) from None
        self.stdout.write(f"{organisation.name}{first:%Y年%m月}考核：{result['windows']} 个窗口、{result['persons']} 名人员已计分")
