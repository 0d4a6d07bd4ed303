"""The daily and monthly meter rollups on Apache Spark: a standalone PySpark job.

Reads the meter store's readings (``readings/enterprise_id=*/month=*/*.parquet``, the
layout of :mod:`carbonpeak.monitoring.store`) and two small tables the platform exports
(meters: meter_id, enterprise_id, kind, multiplier, register_max; replacements:
meter_id, replaced_at_us, cum_offset), applies the rules of
:mod:`carbonpeak.monitoring.rollups` rule by rule, and writes the daily rollup layout
(``enterprise_id=*/month=*/part-*.parquet``: meter_id, day, use, intervals, included,
negative, spikes) that the platform reads. Optionally also the monthly totals.

On a cluster (paths on HDFS or S3-compatible storage, see docs/monitoring.md)::

    spark-submit --master yarn --deploy-mode cluster spark_job.py \\
        --readings s3a://bucket/meter-store/readings \\
        --meters s3a://bucket/meter-store/rollups/spark-input/meters.parquet \\
        --replacements s3a://bucket/meter-store/rollups/spark-input/replacements.parquet \\
        --out s3a://bucket/meter-store/rollups/spark-out --monthly-out s3a://bucket/…/monthly

This file imports nothing from Django or the platform, so it can be shipped alone.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sys
from typing import Any

MIN_SAMPLES_FOR_SPIKES = 8  # the same as carbonpeak.engine.meters.MIN_SAMPLES_FOR_SPIKES
SPIKE_FACTOR = 10.0  # the same as carbonpeak.monitoring.store.SPIKE_FACTOR
SHANGHAI_OFFSET_MS = 8 * 3600 * 1000  # Asia/Shanghai, UTC+8 without daylight saving since 1991


class SparkUnavailable(RuntimeError):
    """PySpark or a Java runtime is missing (message in Chinese, for the CLI)."""


def find_java_home() -> str | None:
    """JAVA_HOME if set, else Debian's OpenJDK 17 (or newer), else the ``java`` on PATH."""
    env = os.environ.get("JAVA_HOME")
    if env and os.path.exists(os.path.join(env, "bin", "java")):
        return env
    for pattern in ("/usr/lib/jvm/java-17-openjdk-*", "/usr/lib/jvm/java-2*-openjdk-*", "/usr/lib/jvm/*"):
        for candidate in sorted(glob.glob(pattern)):
            if os.path.exists(os.path.join(candidate, "bin", "java")):
                return candidate
    java = shutil.which("java")
    if java:
        return os.path.dirname(os.path.dirname(os.path.realpath(java)))
    return None


def session(master: str | None = "local[2]", app_name: str = "carbonpeak-meter-rollups") -> Any:
    """A SparkSession (the active one if there is one) with UTC session time and small shuffles."""
    java_home = find_java_home()
    if java_home is None:
        raise SparkUnavailable(
            "未找到 Java 运行环境：Spark 需要 Java 17。请执行 make system-deps（安装 openjdk-17-jre-headless）或设置 JAVA_HOME"
        )
    os.environ.setdefault("JAVA_HOME", java_home)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("未安装 PySpark：请执行 pip install pyspark（已列入开发依赖）") from exc
    builder = SparkSession.builder
    if master:  # under spark-submit the master comes from its --master
        builder = builder.master(master)
    builder = (
        builder.appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master and master.startswith("local"):
        cores = master[len("local[") : -1] if master.startswith("local[") else "1"
        cores = str(os.cpu_count() or 2) if cores == "*" else cores
        builder = (
            builder.config("spark.sql.shuffle.partitions", cores)
            .config("spark.default.parallelism", cores)
            .config("spark.driver.memory", os.environ.get("CARBONPEAK_SPARK_DRIVER_MEMORY", "1g"))
        )
    return builder.getOrCreate()


def daily_rollups(spark: Any, readings: str, meters: str, replacements: str) -> Any:
    """DataFrame of the daily rollup: enterprise_id, meter_id, day, use, intervals, included, negative, spikes.

    The same steps as :data:`carbonpeak.monitoring.rollups.DAILY_SQL_TAIL`: the latest
    ``ingested_at`` of each (meter_id, ts) wins; the replacement offset is the
    ``cum_offset`` of the latest replacement at or before the reading; an interval
    (t₀, t₁] counts on the local day of t₁ − 1 ms; spikes are judged against the median
    positive rate of the meter on that day.
    """
    spark.read.option("basePath", readings).parquet(readings).createOrReplaceTempView("raw_readings")
    spark.read.parquet(meters).createOrReplaceTempView("meters")
    spark.read.parquet(replacements).createOrReplaceTempView("replacements")
    return spark.sql(
        f"""
        WITH r AS (
            SELECT CAST(enterprise_id AS BIGINT) AS enterprise_id, meter_id, unix_micros(ts) AS ts_us,
                   max_by(value, ingested_at) AS value
            FROM raw_readings GROUP BY 1, 2, 3
        ), off AS (
            SELECT r.meter_id, r.ts_us, max_by(p.cum_offset, p.replaced_at_us) AS cum_offset
            FROM r JOIN replacements p ON p.meter_id = r.meter_id AND r.ts_us >= p.replaced_at_us
            GROUP BY 1, 2
        ), adj AS (
            SELECT r.enterprise_id, r.meter_id, m.kind, m.multiplier, m.register_max,
                   CAST(floor(r.ts_us / 1000) AS BIGINT) AS t, r.value + coalesce(off.cum_offset, 0D) AS v
            FROM r JOIN meters m ON m.meter_id = r.meter_id
            LEFT JOIN off ON off.meter_id = r.meter_id AND off.ts_us = r.ts_us
        ), d AS (
            SELECT enterprise_id, meter_id, kind, multiplier, register_max, t,
                   CASE WHEN kind = 'interval' THEN v ELSE v - lag(v) OVER w END AS raw,
                   CASE WHEN kind = 'interval' THEN 900000 ELSE t - lag(t) OVER w END AS dur
            FROM adj WINDOW w AS (PARTITION BY meter_id ORDER BY t)
        ), q AS (
            SELECT enterprise_id, meter_id, CAST(floor((t - 1 + {SHANGHAI_OFFSET_MS}) / 86400000) AS INT) AS day_n,
                   dur,
                   multiplier * CASE WHEN kind = 'cumulative' AND register_max > 0 AND raw < 0
                                          AND raw + register_max >= 0 AND raw + register_max <= register_max / 2
                                     THEN raw + register_max ELSE raw END AS use
            FROM d WHERE raw IS NOT NULL
        ), med AS (
            SELECT meter_id, day_n, percentile(use / dur, 0.5) AS rate, count(*) AS n
            FROM q WHERE use > 0 GROUP BY 1, 2
        ), f AS (
            SELECT q.enterprise_id, q.meter_id, q.day_n, q.use,
                   (q.use >= 0 AND coalesce(med.n, 0) >= {MIN_SAMPLES_FOR_SPIKES}
                    AND q.use / q.dur > {SPIKE_FACTOR} * med.rate) AS spike
            FROM q LEFT JOIN med ON med.meter_id = q.meter_id AND med.day_n = q.day_n
        )
        SELECT enterprise_id, meter_id, date_add(DATE'1970-01-01', day_n) AS day,
               coalesce(sum(CASE WHEN use >= 0 AND NOT spike THEN use END), 0D) AS use,
               count(*) AS intervals,
               count(CASE WHEN use >= 0 AND NOT spike THEN 1 END) AS included,
               count(CASE WHEN use < 0 THEN 1 END) AS negative,
               count(CASE WHEN spike THEN 1 END) AS spikes
        FROM f GROUP BY enterprise_id, meter_id, day_n
        """
    )


def monthly_rollups(daily: Any) -> Any:
    """Monthly totals per enterprise and meter from the daily rollup (months with an included interval)."""
    from pyspark.sql import functions as F

    return (
        daily.groupBy("enterprise_id", "meter_id", F.date_format("day", "yyyy-MM").alias("month"))
        .agg(F.sum("use").alias("use"), F.sum("included").alias("included"))
        .where(F.col("included") > 0)
    )


def write_daily(daily: Any, out: str) -> None:
    """Write the daily rollup in the platform's layout (partitioned by enterprise_id and month)."""
    from pyspark.sql import functions as F

    (
        daily.withColumn("month", F.date_format("day", "yyyy-MM"))
        .repartition("enterprise_id", "month")
        .sortWithinPartitions("meter_id", "day")
        .select(
            "meter_id", "day", "use", "intervals", "included", "negative", "spikes", "enterprise_id", "month"
        )
        .write.mode("overwrite")
        .partitionBy("enterprise_id", "month")
        .parquet(out)
    )


def run(
    *,
    master: str | None,
    readings: str,
    meters: str,
    replacements: str,
    out: str,
    monthly_out: str | None = None,
) -> int:
    """Compute and write the daily rollup (and optionally the monthly totals); returns daily rows."""
    spark = session(master)
    daily = daily_rollups(spark, readings, meters, replacements).cache()
    try:
        write_daily(daily, out)
        if monthly_out:
            monthly_rollups(daily).write.mode("overwrite").parquet(monthly_out)
        return int(daily.count())
    finally:
        daily.unpersist()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="计量数据日汇总/月汇总（Spark）")
    parser.add_argument("--readings", required=True, help="读数目录（readings/，本地、hdfs:// 或 s3a://）")
    parser.add_argument("--meters", required=True, help="计量点表 meters.parquet（由平台导出）")
    parser.add_argument("--replacements", required=True, help="换表记录 replacements.parquet（由平台导出）")
    parser.add_argument("--out", required=True, help="日汇总输出目录")
    parser.add_argument("--monthly-out", help="月汇总输出目录（可选）")
    parser.add_argument("--master", default=None, help="不填时由 spark-submit --master 决定")
    args = parser.parse_args(argv)
    rows = run(
        master=args.master,
        readings=args.readings,
        meters=args.meters,
        replacements=args.replacements,
        out=args.out,
        monthly_out=args.monthly_out,
    )
    print(f"日汇总 {rows} 行已写入 {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
