import os
import shutil
import sys

from django.core.management import call_command

from yangguang.core import calendar, demo
from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail


class Command(BaseCommand):
    help = "准备演示环境：迁移数据库、载入节假日、载入示例市（仅首次），然后启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--no-history", action="store_true", help="不生成示例业务历史数据")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")

    def handle(self, *args, no_serve, no_history, bind, **options):
        call_command("migrate", interactive=False, verbosity=0)
        years = calendar.calendar_seed_from_package()
        if years:
            self.stdout.write(f"已载入 {years[0]}–{years[-1]} 年放假安排。")
        counts = demo.load()
        if counts:
            self.stdout.write(
                "已载入示例市：{departments} 个市直部门、{counties} 个县（区）、{towns} 个镇（街道）、"
                "{villages} 个村（社区）、{windows} 个窗口、{users} 个演示账号。".format(**counts)
            )
        else:
            self.stdout.write("示例市已存在，跳过载入。")
        built = {k: v for k, v in demo.load_apps(history=not no_history).items() if v}
        if built:
            self.stdout.write("已载入示例业务数据：" + "，".join(f"{k} {v}" for k, v in built.items()))
        self.stdout.write(demo.logins_table())
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise fail("找不到 gunicorn，请先安装依赖（make run 会自动安装）")
        self.stdout.write(f"阳光政务已启动：http://{bind}/  （Ctrl+C 停止）")
        self.stdout.flush()
        os.execv(gunicorn, [gunicorn, "yangguang.wsgi", "--bind", bind, "--workers", "2", "--access-logfile", "-", "--log-level", "warning"])
