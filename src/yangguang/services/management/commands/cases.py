from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation
from yangguang.services import importer


class Command(BaseCommand):
    help = "办件：import 从原系统批量导入办件（JSONL）；export 按同一格式导出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        imp = sub.add_parser("import", help="导入 JSONL 文件（格式见 docs/cases-import.md）；任何一行有错则全部不导入")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        exp = sub.add_parser("export", help="把已受理的办件按导入格式写入文件")
        exp.add_argument("file")
        exp.add_argument("--org", help="只导出该受理机构（机构代码）的办件")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_import(self, *, file, dry_run, **_):
        name = Path(file).name
        try:
            result = importer.cases_import(actor=None, path=Path(file), dry_run=dry_run, progress=self.stderr.write)
        except importer.ImportRefused as exc:
            if exc.whole_file:
                raise fail(f"{exc.messages[0]}，未导入任何内容") from None
            for message in exc.messages:
                self.stderr.write(message)
            raise fail(f"{name} 共有 {exc.total} 处错误，未导入任何内容") from None
        if dry_run:
            self.stdout.write(f"检查通过：{name} 共 {result.cases} 件办件，可以导入（--dry-run，未写入）。")
            return
        places = "，".join(f"{code} {n} 件" for code, n in result.by_organisation.items())
        self.stdout.write(
            f"已从 {name} 导入 {result.cases} 件办件（其中未办结 {result.open} 件）、"
            f"{result.suspensions} 段暂停计时记录：{places}。"
        )

    def do_export(self, *, file, org, **_):
        organisation = None
        if org:
            organisation = Organisation.objects.filter(code=org).first()
            if organisation is None:
                raise fail(f"org：没有代码为 {org} 的机构")
        try:
            with Path(file).open("w", encoding="utf-8") as stream:
                count = importer.cases_export(actor=None, stream=stream, organisation=organisation)
        except OSError as exc:
            raise fail(f"file：无法写入 {file}（{exc.strerror}）") from None
        self.stdout.write(f"已导出 {count} 件办件到 {Path(file).name}。")
