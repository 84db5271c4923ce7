from django.db import models


class CeilingRow(models.Model):
    """What the ceiling view stores: the same name and description the FOI request carries."""

    name = models.CharField(max_length=50)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
