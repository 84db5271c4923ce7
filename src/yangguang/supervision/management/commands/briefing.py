"""``yangguang briefing --org CODE --quarter 2026Q3 --output FILE.docx``: the quarterly briefing
(季度通报) draft as a Word document."""

from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation
from yangguang.supervision import briefing


class Command(BaseCommand):
    help = "季度通报：生成某季度政务服务工作通报（DOCX 草稿）"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="政务服务中心（或政府）的机构编码")
        parser.add_argument("--quarter", required=True, metavar="YYYYQn", help="季度，如 2026Q3")
        parser.add_argument("--output", required=True, help="输出的 .docx 文件")

    def handle(self, *args, org, quarter, output, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"--org：找不到编码为“{org}”的机构")
        try:
            period = briefing.parse_quarter(quarter)
        except ValueError as exc:
            raise fail(f"--quarter：{exc}") from None
        content = briefing.briefing_docx(organisation, period)
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise fail(f"--output：无法写入 {output}（{exc.strerror}）") from None
        self.stdout.write(f"已写入 {output}（{len(content)} 字节）")
