from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation
from yangguang.services import catalogue


class Command(BaseCommand):
    help = "政务服务事项目录：import 从 Excel（.xlsx）或 JSONL 文件导入（新增或更新）；export 导出同一格式"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imp = sub.add_parser(
            "import", help="导入 .xlsx 或 .jsonl 文件（格式见 docs/items-import.md）；任何一处有错则全部不导入"
        )
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
        exp = sub.add_parser("export", help="把事项目录按导入格式写入文件（扩展名 .xlsx 或 .jsonl 决定格式）")
        exp.add_argument("file")
        exp.add_argument("--department", metavar="CODE", help="只导出该实施部门（机构编码）的事项")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_import(self, *, file, dry_run, **_):
        name = Path(file).name
        try:
            result = catalogue.catalogue_import(actor=None, path=Path(file), dry_run=dry_run)
        except catalogue.CatalogueRefused as exc:
            if exc.whole_file:
                raise fail(f"{exc.messages[0]}，未导入任何内容") from None
            for message in exc.messages:
                self.stderr.write(message)
            raise fail(f"{name} 共有 {exc.total} 处错误，未导入任何内容") from None
        counts = f"新增 {len(result.created)} 项，更新 {len(result.updated)} 项，未变 {len(result.unchanged)} 项"
        if dry_run:
            self.stdout.write(f"{name} 检查通过（试运行，未写入）：将{counts}。")
        else:
            self.stdout.write(f"已从 {name} 导入政务服务事项：{counts}。")

    def do_export(self, *, file, department, **_):
        organisation = None
        if department:
            organisation = Organisation.objects.filter(code=department).first()
            if organisation is None:
                raise fail(f"department：没有编码为 {department} 的机构")
        count = catalogue.catalogue_export(path=Path(file), department=organisation)
        self.stdout.write(f"已导出 {count} 项政务服务事项到 {file}。")
