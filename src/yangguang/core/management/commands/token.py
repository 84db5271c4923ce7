from datetime import datetime, timedelta, timezone

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail, int_arg
from yangguang.core.models import User
from yangguang.core.services import api_token_create


class Command(BaseCommand):
    help = "接口令牌：create 为工作人员签发令牌（明文只显示这一次）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = sub.add_parser("create", help="签发令牌")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="用途，如 “12345 热线对接”")
        create.add_argument("--days", type=int_arg("有效天数", minimum=1, maximum=3650), default=None)

    def handle(self, *args, action, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise fail(f"username：找不到启用状态的用户 {username}")
        expires = datetime.now(timezone.utc) + timedelta(days=days) if days else None
        token, key = api_token_create(actor=None, user=user, name=name, expires_at=expires)
        self.stdout.write(key)
        self.stderr.write(f"已为 {user} 签发令牌 {token.prefix}…（{name}），请立即妥善保存，之后无法再次查看。")
