from pathlib import Path

from yangguang.core import calendar
from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import date_arg, fail, int_arg
from yangguang.core.models import CalendarYear

PROVISIONAL_WARNING = "注意：结果涉及尚未配置放假安排的年份，按仅周末休息推算，为暂定结果。"


class Command(BaseCommand):
    help = "工作日计算与节假日安排：add / count / show / import / seed"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,count,show,import,seed}")
        add = sub.add_parser("add", help="起始日之后第 N 个工作日（不含起始日）")
        add.add_argument("start", type=date_arg("起始日期"))
        add.add_argument("n", type=int_arg("工作日数", minimum=-10000, maximum=10000))
        count = sub.add_parser("count", help="第一个日期之后到第二个日期（含）之间的工作日数")
        count.add_argument("start", type=date_arg("起始日期"))
        count.add_argument("end", type=date_arg("截止日期"))
        show = sub.add_parser("show", help="列出某年的放假与调休上班日")
        show.add_argument("year", type=int_arg("年份", minimum=1990, maximum=2200))
        imp = sub.add_parser("import", help="导入一个或多个年度的放假安排（CSV 或 JSON：date, kind, name）")
        imp.add_argument("file")
        imp.add_argument("--document", default="", help="依据文件，如 国办发明电〔2025〕7号")
        sub.add_parser("seed", help="从 chinesecalendar 载入数据库中尚没有的年份")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def _warn_if(self, provisional: bool) -> None:
        if provisional:
            self.stderr.write(PROVISIONAL_WARNING)

    def do_add(self, *, start, n, **_):
        result = calendar.add_workdays(start, n)
        self.stdout.write(result.date.isoformat())
        self._warn_if(result.provisional)

    def do_count(self, *, start, end, **_):
        result = calendar.count_workdays(start, end)
        self.stdout.write(str(result.days))
        self._warn_if(result.provisional)

    def do_show(self, *, year, **_):
        cal = calendar.get_calendar()
        if not cal.is_configured(year):
            self.stderr.write(f"{year} 年的放假安排尚未配置：该年按仅周末休息推算（暂定）。")
            return
        source = CalendarYear.objects.get(year=year)
        self.stdout.write(f"{year} 年放假安排（来源：{source.get_source_display()} {source.document}）")
        for day in cal.special_days(year):
            label = "放假" if day.kind == "holiday" else "调休上班"
            self.stdout.write(f"{day.date.isoformat()}  {'一二三四五六日'[day.date.weekday()]}  {label}  {day.name}")

    def do_import(self, *, file, document, **_):
        path = Path(file)
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise fail(f"file：找不到文件 {file}") from None
        except UnicodeDecodeError:
            raise fail(f"file：{file} 不是 UTF-8 编码的文本") from None
        rows = calendar.read_rows(content, filename=path.name)
        result = calendar.calendar_import(actor=None, rows=rows, document=document)
        years = "、".join(str(y) for y in result["years"])
        recomputed = sum(result["recomputed"].values())
        self.stdout.write(f"已导入 {years} 年共 {result['days']} 个放假/调休日；重新计算期限 {recomputed} 件。")

    def do_seed(self, **_):
        years = calendar.calendar_seed_from_package()
        if years:
            self.stdout.write(f"已载入 {years[0]}–{years[-1]} 年共 {len(years)} 个年度的放假安排。")
        else:
            self.stdout.write("放假安排已是最新，无需载入。")
