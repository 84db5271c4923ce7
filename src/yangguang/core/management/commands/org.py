import json

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.selectors import organisation_list


class Command(BaseCommand):
    help = "机构：list 列出机构"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list}")
        lst = sub.add_parser("list", help="列出全部机构")
        lst.add_argument("--format", choices=["text", "json"], default="text")
        lst.add_argument("--kind", default=None, help="只列出某一类型，如 department")

    def handle(self, *args, action, format, kind, **options):
        orgs = organisation_list()
        if kind:
            orgs = orgs.filter(kind=kind)
        rows = [
            {"code": o.code, "name": o.name, "kind": o.kind, "parent": o.parent.code if o.parent_id else None}
            for o in orgs
        ]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for o, row in zip(orgs, rows):
            self.stdout.write(f"{'  ' * (o.depth - 1)}{row['code']}  {row['name']}  [{o.get_kind_display()}]")
