from rest_framework import serializers

from rehabilitation.models import Centre


class CentreSerializer(serializers.ModelSerializer):
    operator = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Centre
        fields = ["id", "name", "region", "operator", "capacity", "services"]
        read_only_fields = fields
