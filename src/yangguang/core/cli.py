"""Shared plumbing for the ``yangguang`` subcommands: one-line Chinese errors and exit status 2."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import connections


_ARGPARSE_PREFIX = re.compile(r"^argument [^:]+: ")
_ARGPARSE_PHRASES = {
    "the following arguments are required: ": "缺少参数：",
    "unrecognized arguments: ": "无法识别的参数：",
    "invalid choice: ": "无效的选项：",
    "expected one argument": "该参数需要一个值",
}


class ChineseParser(CommandParser):
    """argparse speaks English; translate what it says into one Chinese line, exit status 2."""

    def error(self, message):
        message = _ARGPARSE_PREFIX.sub("", message)
        for english, chinese in _ARGPARSE_PHRASES.items():
            message = message.replace(english, chinese)
        raise CommandError(f"参数错误：{message}（用 --help 查看用法）", returncode=2)


def date_arg(field: str):
    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{field}：{text!r} 不是 YYYY-MM-DD 格式的有效日期") from None

    return parse


def int_arg(field: str, *, minimum: int | None = None, maximum: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{field}：{text!r} 不是整数") from None
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{field}：{value} 超出范围 {minimum}–{maximum}")
        return value

    return parse


def fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    """Base for our commands: errors are one Chinese line on stderr, never a traceback."""

    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        add_arguments = self.add_arguments

        def add_chinese_arguments(parser):
            parser.__class__ = ChineseParser  # before subparsers are made, so they inherit it
            add_arguments(parser)

        self.add_arguments = add_chinese_arguments
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            del self.add_arguments

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise fail("；".join(_messages(exc))) from None
        except PermissionDenied as exc:
            raise fail(f"无权操作：{exc}") from None

    def run_from_argv(self, argv):
        self._called_from_command_line = True
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            self.stderr.write(f"错误：{exc}")
            sys.exit(exc.returncode)
        finally:
            connections.close_all()


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}：{m}" if field != "__all__" else m for field, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)
