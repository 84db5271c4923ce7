from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import date_arg
from yangguang.disclosure.consultation import close_expired, cn_date, local_today


class Command(BaseCommand):
    help = "征求意见：close-expired 结束已过截止日期的征求意见（可重复运行，适合每日定时执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{close-expired}")
        close = sub.add_parser("close-expired", help="结束截止日期早于今天（或 --date 指定日期）的征求意见")
        close.add_argument("--date", type=date_arg("日期"), default=None, help="按此日期判断（YYYY-MM-DD，默认今天）")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action.replace('-', '_')}")(**options)

    def do_close_expired(self, *, date, **_):
        today = date or local_today()
        closed = close_expired(today=today)
        for c in closed:
            self.stdout.write(f"已结束：#{c.pk} {c.title}（{c.organisation}，截止 {cn_date(c.closes_on)}）")
        self.stdout.write(f"截至 {cn_date(today)}：结束 {len(closed)} 项征求意见。" if closed else f"截至 {cn_date(today)}：没有需要结束的征求意见。")
