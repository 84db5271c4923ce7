from yangguang.core import audit
from yangguang.core.cli import Command as BaseCommand
from django.core.management.base import CommandError


class Command(BaseCommand):
    help = "审计日志：verify 校验整条 HMAC-SM3 链"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{verify}")
        sub.add_parser("verify", help="逐条校验审计事件链，发现篡改时指出第一处断点并以非零状态退出")

    def handle(self, *args, action, **options):
        result = audit.verify(progress=lambda n: self.stderr.write(f"已校验 {n} 条……"))
        if not result.ok:
            raise CommandError(f"审计链校验失败：第 {result.broken_seq} 条事件{result.problem}（此前 {result.checked} 条完好）", returncode=1)
        self.stdout.write(f"OK：审计链完好，共 {result.checked} 条事件。")
