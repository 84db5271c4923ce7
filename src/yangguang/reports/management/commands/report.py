import sys
from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import date_arg, fail, int_arg
from yangguang.core.models import Organisation
from yangguang.reports import exports, selectors, service_render, service_selectors, services
from yangguang.reports.models import AnnualReport


class Command(BaseCommand):
    help = ("生成报告：annual 政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）；service 政务服务办件统计；"
            "supervision 电子监察按灯色统计")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{annual,service,supervision}")
        annual = sub.add_parser("annual", help="按当前数据生成年度报告；--published 输出已发布的版本")
        annual.add_argument("--org", required=True, help="机关编码")
        annual.add_argument("--year", required=True, type=int_arg("年度", minimum=2000, maximum=2100))
        annual.add_argument("--format", default="json", choices=list(exports.FORMATS), help="输出格式（默认 json）")
        annual.add_argument("--output", default=None, help="输出文件；json、html 可省略（输出到标准输出）")
        annual.add_argument("--members", default=None,
                            help="汇总报告：逗号分隔的下属机关编码，all 表示全部直属下级机关")
        annual.add_argument("--published", action="store_true", help="输出最近发布的版本（冻结的数字），而不是按当前数据生成")
        service = sub.add_parser("service", help="政务服务办件统计：受理、办结、当场办结率、承诺时限内办结率等，含按部门、窗口、事项、代办点分列")
        service.add_argument("--org", required=True, help="机构编码（统计该机构及其下级机构的办件）")
        service.add_argument("--from", dest="date_from", required=True, type=date_arg("--from"), metavar="YYYY-MM-DD",
                             help="统计期间的第一天")
        service.add_argument("--to", dest="date_to", required=True, type=date_arg("--to"), metavar="YYYY-MM-DD",
                             help="统计期间的最后一天（含当天）")
        service.add_argument("--format", default="json", choices=list(service_render.FORMATS), help="输出格式（默认 json）")
        service.add_argument("--output", default=None, help="输出文件；json、html 可省略（输出到标准输出）")

        supervision = sub.add_parser("supervision", help="电子监察：在办办件和依申请公开申请按灯色（绿、黄、红、暂停）统计，含按部门、窗口分列")
        supervision.add_argument("--org", required=True, help="机构编码（统计该机构及其下级机构）")
        supervision.add_argument("--as-of", dest="as_of", default=None, type=date_arg("--as-of"), metavar="YYYY-MM-DD",
                                 help="统计日期（默认今天；不能晚于今天）")
        supervision.add_argument("--format", default="json", choices=["json"], help="输出格式（json）")
        supervision.add_argument("--output", default=None, help="输出文件；省略时输出到标准输出")

    def handle(self, *args, kind, **options):
        getattr(self, f"do_{kind}")(**options)

    def do_annual(self, *, org, year, format, output, members, published, **_):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"--org：找不到编码为“{org}”的机关")
        scope, codes = AnnualReport.Scope.OWN, None
        if members:
            scope = AnnualReport.Scope.SUMMARY
            codes = (list(organisation.children.filter(is_active=True).order_by("code").values_list("code", flat=True))
                     if members == "all" else [c.strip() for c in members.split(",") if c.strip()])
        if published:
            stored = selectors.published_reports(organisation).filter(year=year, scope=scope).first()
            if stored is None:
                raise fail(f"{organisation.name}{year}年的年度报告尚未发布")
            report = stored.data
        else:
            latest = selectors.latest(organisation, year, scope)
            version = 1 if latest is None else latest.version + (latest.status == AnnualReport.Status.PUBLISHED)
            texts = latest.data if latest is not None and latest.status == AnnualReport.Status.DRAFT else None
            report = services.generate(organisation=organisation, year=year, scope=scope, members=codes,
                                       version=version, texts=texts)
        content = exports.export(report, format, org_name=organisation.name, summary=scope == AnnualReport.Scope.SUMMARY)
        self._write(content, format, output)

    def do_service(self, *, org, date_from, date_to, format, output, **_):
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"--org：找不到编码为“{org}”的机构")
        if date_from > date_to:
            raise fail(f"--from：开始日期 {date_from} 晚于 --to 结束日期 {date_to}")
        if format not in ("json", "html") and not output:
            raise fail(f"--output：{format} 格式请用 --output 指定输出文件")
        report = service_selectors.service_statistics(organisation, date_from, date_to)
        self._write(service_render.export(report, format), format, output)

    def do_supervision(self, *, org, as_of, format, output, **_):
        import json

        from yangguang.supervision import dashboard

        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise fail(f"--org：找不到编码为“{org}”的机构")
        today = dashboard.local_today()
        as_of = as_of or today
        if as_of > today:
            raise fail(f"--as-of：{as_of} 晚于今天（{today}），只能统计今天及以前")
        report = dashboard.report(organisation, as_of, today=today)
        content = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
        self._write(content, format, output)

    def _write(self, content: bytes, format: str, output: str | None) -> None:
        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as exc:
                raise fail(f"--output：无法写入 {output}（{exc.strerror}）") from None
            self.stderr.write(f"已写入 {output}（{len(content)} 字节）")
        elif format in ("json", "html"):
            sys.stdout.write(content.decode())
        else:
            raise fail(f"--output：{format} 格式请用 --output 指定输出文件")
