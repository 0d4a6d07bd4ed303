"""Who may read the audit log (MLPS level 3, separation of duties).

- 审计管理员 (auditor) and the carbon-peak office read it; the 系统管理员 (sysadmin)
  and 安全管理员 (secadmin) do not, whatever their Django staff/superuser flags.
- Nobody changes or deletes it: there is no permission for that, the admin is
  read-only and the model refuses (``AuditLogIsAppendOnly``).
"""

from __future__ import annotations

import rules

from carbonpeak.core.roles import is_auditor, is_office

rules.add_perm("core.view_audit", is_auditor | is_office)
