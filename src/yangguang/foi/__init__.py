"""Applications for disclosure (依申请公开). So far only the statutory clock (``clock.py``), a pure
module; the Django app (models, services, views) is issue 4's remaining work."""
