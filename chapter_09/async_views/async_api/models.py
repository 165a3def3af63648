from django.db import models


class Url(models.Model):
    # Left over from the startapp scaffolding: nothing uses it and it has no migration.
    question_text = models.CharField(max_length=200)
