"""`yangguang sweep [--as-of YYYY-MM-DD]`: the e-supervision sweep (cron or a systemd timer runs it;
several servers may run it at once)."""

from django.utils import timezone

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import date_arg
from yangguang.supervision.sweep import sweep


class Command(BaseCommand):
    help = "电子监察巡查：亮灯预警、解除、通知责任人与领导、按规则记牌、发送通知（可重复运行，多台服务器同时运行也只处理一次）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", type=date_arg("巡查日期"), default=None,
                            help="按哪一天巡查（YYYY-MM-DD，默认今天）")

    def handle(self, *args, as_of=None, **options):
        result = sweep(today=as_of or timezone.localdate())
        for line in result.lines():
            self.stdout.write(line)
