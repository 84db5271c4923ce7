import json

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation
from yangguang.core.selectors import organisation_list
from yangguang.core.services import organisation_create


class Command(BaseCommand):
    help = "机构：list 列出机构"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list}")
        lst = sub.add_parser("list", help="列出全部机构")
        lst.add_argument("--format", choices=["text", "json"], default="text")
        lst.add_argument("--kind", default=None, help="只列出某一类型，如 department")
        add = sub.add_parser("add", help="新建机构（建立第一批机构时使用；之后由系统管理员在后台维护）")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        add.add_argument("--parent", default=None, help="上级机构编码")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_add(self, *, code, name, kind, parent, **_):
        parent_org = None
        if parent:
            parent_org = Organisation.objects.filter(code=parent).first()
            if parent_org is None:
                raise fail(f"parent：找不到上级机构编码 {parent}")
        org = organisation_create(actor=None, code=code, name=name, kind=kind, parent=parent_org)
        self.stdout.write(f"已新建机构 {org.code} {org.name}")

    def do_list(self, *, format, kind, **_):
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
