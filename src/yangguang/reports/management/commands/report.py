import sys
from pathlib import Path

from yangguang.core.cli import Command as BaseCommand
from yangguang.core.cli import fail, int_arg
from yangguang.core.models import Organisation
from yangguang.reports import exports, selectors, services
from yangguang.reports.models import AnnualReport


class Command(BaseCommand):
    help = "生成报告：annual 政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{annual}")
        annual = sub.add_parser("annual", help="按当前数据生成年度报告；--published 输出已发布的版本")
        annual.add_argument("--org", required=True, help="机关编码")
        annual.add_argument("--year", required=True, type=int_arg("年度", minimum=2000, maximum=2100))
        annual.add_argument("--format", default="json", choices=list(exports.FORMATS), help="输出格式（默认 json）")
        annual.add_argument("--output", default=None, help="输出文件；json、html 可省略（输出到标准输出）")
        annual.add_argument("--members", default=None,
                            help="汇总报告：逗号分隔的下属机关编码，all 表示全部直属下级机关")
        annual.add_argument("--published", action="store_true", help="输出最近发布的版本（冻结的数字），而不是按当前数据生成")

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
