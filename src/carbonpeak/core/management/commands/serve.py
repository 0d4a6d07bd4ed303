"""``carbonpeak serve``: serve the site with gunicorn (what ``make run`` does).

Refuses to start, with a Chinese message and exit status 2, when DEBUG is off and no
secret key is configured. Static files are served by the application (WhiteNoise)
from STATIC_ROOT: run ``carbonpeak collectstatic --noinput`` after every upgrade.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from carbonpeak.site.startup import secret_key_problem


class Command(BaseCommand):
    help = "用 gunicorn 提供网站服务（生产方式；开发调试请用 make dev）"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CARBONPEAK_WORKERS", "3")),
            help="工作进程数（默认 3，或环境变量 CARBONPEAK_WORKERS）",
        )
        parser.add_argument("--threads", type=int, default=4, help="每个工作进程的线程数（默认 4）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查能否启动并显示 gunicorn 命令，不启动"
        )

    def handle(self, *args, bind: str, workers: int, threads: int, dry_run: bool, **options):
        problem = secret_key_problem()
        if problem:
            raise CommandError(problem, returncode=2)
        if workers < 1 or threads < 1:
            raise CommandError("工作进程数和线程数都必须至少为 1", returncode=2)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "carbonpeak.site.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"正在启动 gunicorn，监听 http://{bind}/（{workers} 个进程 × {threads} 线程）")
        if dry_run:
            self.stdout.write(" ".join(argv))
            return
        sys.stdout.flush()
        os.execv(sys.executable, argv)
