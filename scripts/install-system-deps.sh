#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
#   chromium    browser tests (driven by Playwright, /usr/bin/chromium)
#   postgresql  the suite's second database (started in a temporary directory)
#   openjdk-17-jre-headless  Java for the Spark local-mode tests (tests/monitoring/test_spark.py)
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/postgres" ]; then need+=(postgresql); fi
java_ok=0
for j in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/java-17-openjdk-*/bin/java "$(command -v java 2>/dev/null || true)"; do
  if [ -n "$j" ] && [ -x "$j" ]; then
    major=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
    if [ -n "$major" ] && [ "$major" -ge 17 ]; then java_ok=1; break; fi
  fi
done
[ "$java_ok" -eq 1 ] || need+=(openjdk-17-jre-headless)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "安装系统依赖: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "缺少 ${need[*]}，且当前用户不是 root：请以 root 运行 apt-get install ${need[*]}" >&2; exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
