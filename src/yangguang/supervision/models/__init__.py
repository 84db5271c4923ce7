"""The supervision app's data, one module per part of the work:

- ``reception``: the director's reception days (局长接待日) and their register;
- ``notifications``: the in-app notification centre and the outbox of SMS/email deliveries;
- ``alerts``: e-supervision (电子监察) — alerts raised by the sweep, card rules, cards and appeals;
- ``evaluations``: 好差评 — ratings, and the rectification task a poor rating opens;
- ``complaints``: complaints, reports and opinions (投诉/举报/意见建议) and mailbox openings;
- ``inspections``: invited supervisors (特邀监督员), their inspections and findings;
- ``assessment``: the monthly assessment formula and scores (红旗窗口/服务标兵).
"""

from yangguang.supervision.models.alerts import *  # noqa: F401,F403
from yangguang.supervision.models.assessment import *  # noqa: F401,F403
from yangguang.supervision.models.complaints import *  # noqa: F401,F403
from yangguang.supervision.models.evaluations import *  # noqa: F401,F403
from yangguang.supervision.models.inspections import *  # noqa: F401,F403
from yangguang.supervision.models.notifications import *  # noqa: F401,F403
from yangguang.supervision.models.reception import *  # noqa: F401,F403
