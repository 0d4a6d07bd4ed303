"""``carbonpeak credits verify``: recompute the ledger hash chains and report any tampering."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.core.models import Region
from carbonpeak.credits.services import ledger
from carbonpeak.engine.carbon_inclusive import BEIJING


class Command(BaseCommand):
    help = "碳普惠：verify 校验积分账本哈希链（发现被修改、删除或插入的记录）；expire 积分到期"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="重新计算每个行政区积分账本的哈希链")
        verify.add_argument("--region", help="只校验该行政区（6位行政区划代码）")
        expire = sub.add_parser("expire", help="使某日之前获得且未使用的积分到期（先获得的先使用）")
        expire.add_argument("--before", required=True, help="日期 YYYY-MM-DD（北京时间零点）")
        expire.add_argument("--region", required=True, help="行政区划代码")
        expire.add_argument("--yes", action="store_true", help="确认执行（不加则只说明将做什么）")

    def handle(self, *args, **opts):
        if opts["action"] == "expire":
            return self._expire(opts)
        regions = None
        if opts.get("region"):
            region = Region.objects.filter(code=opts["region"].strip()).first()
            if region is None:
                raise CommandError(f"行政区划代码 {opts['region']} 不存在", returncode=2)
            regions = [region]
        reports = ledger.verify(regions=regions)
        names = dict(Region.objects.values_list("pk", "name"))
        if not reports:
            self.stdout.write("积分账本为空，无需校验")
            return
        bad = 0
        for r in reports:
            if r.ok:
                self.stdout.write(f"{names.get(r.region_id, r.region_id)}：{r.entries} 条记录，哈希链完整")
            else:
                bad += 1
                self.stderr.write(f"{names.get(r.region_id, r.region_id)}：校验失败，{r.message}")
        if bad:
            raise CommandError(f"{bad} 个行政区的积分账本未通过校验", returncode=1)

    def _expire(self, opts):
        region = Region.objects.filter(code=opts["region"].strip()).first()
        if region is None:
            raise CommandError(f"行政区划代码 {opts['region']} 不存在", returncode=2)
        try:
            day = dt.date.fromisoformat(opts["before"])
        except ValueError:
            raise CommandError("--before 应为日期 YYYY-MM-DD", returncode=2) from None
        before = dt.datetime.combine(day, dt.time(), tzinfo=BEIJING)
        if not opts["yes"]:
            self.stdout.write(f"将使{region.name} {day:%Y-%m-%d} 之前获得且未使用的积分到期；确认请加 --yes")
            return
        n, points = ledger.expire_points(region=region, before=before, user=None)
        self.stdout.write(f"{region.name}：{n} 位居民共 {points} 积分到期")
