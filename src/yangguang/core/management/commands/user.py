import getpass
import sys

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail
from yangguang.core.models import Organisation, Role
from yangguang.core.services import role_grant, user_create


class Command(BaseCommand):
    help = "用户：create 新建用户并授予一个角色（用于建立第一批管理员）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = sub.add_parser("create", help="新建用户")
        create.add_argument("username")
        create.add_argument("--full-name", required=True, help="姓名")
        create.add_argument("--org", required=True, help="所属机构编码")
        create.add_argument("--role", required=True, choices=Role.values, help="角色")
        create.add_argument("--password-stdin", action="store_true", help="从标准输入读取口令（一行）")

    def handle(self, *args, action, username, full_name, org, role, password_stdin, **options):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"org：找不到机构编码 {org}")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("口令：")
            if password != getpass.getpass("再次输入口令："):
                raise fail("password：两次输入的口令不一致")
        if not password:
            raise fail("password：口令不能为空")
        from django.db import transaction

        with transaction.atomic():
            user = user_create(actor=None, username=username, password=password, full_name=full_name, organisation=organisation)
            role_grant(actor=None, user=user, organisation=organisation, role=role)
        self.stdout.write(f"已新建用户 {username}（{full_name}），角色：{Role(role).label} · {organisation}")
