from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail, int_arg
from yangguang.core.models import Organisation
from yangguang.foi import importer


class Command(BaseCommand):
    help = "依申请公开：import 从原系统批量导入申请及行政复议、行政诉讼记录（JSONL）；export 导出同一格式"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imp = sub.add_parser(
            "import", help="导入 JSONL 文件（格式见 docs/foi-import.md）；任何一行有错则全部不导入"
        )
        imp.add_argument("file")
        exp = sub.add_parser("export", help="把一个机关的申请及复议诉讼记录按导入格式输出到标准输出")
        exp.add_argument("--org", required=True, help="机关代码")
        exp.add_argument("--year", type=int_arg("年份", minimum=1990, maximum=2200), help="只导出该年收到的申请")
        exp.add_argument("--personal", action="store_true",
                         help="同时导出申请人姓名、证件号码和电话（记入审计日志）；默认不导出")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_import(self, *, file, **_):
        try:
            result = importer.applications_import(actor=None, path=Path(file), progress=self.stderr.write)
        except importer.ImportRefused as exc:
            if exc.whole_file:
                raise fail(f"{exc.messages[0]}，未导入任何内容") from None
            for message in exc.messages:
                self.stderr.write(message)
            raise fail(f"{Path(file).name} 共有 {exc.total} 处错误，未导入任何内容") from None
        self.stdout.write(
            f"已从 {Path(file).name} 导入 {result.applications} 件政府信息公开申请、"
            f"{result.reviews} 条行政复议和行政诉讼记录。"
        )

    def do_export(self, *, org, year, personal, **_):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"org：没有代码为 {org} 的机关")
        for line in importer.applications_export(actor=None, organisation=organisation, year=year, personal=personal):
            self.stdout.write(line)
