"""carbonpeak — 县域碳达峰实施管理平台 (county carbon-peaking implementation platform)."""

__version__ = "0.1.0"
