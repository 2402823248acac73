"""Media storage on S3 (face images, training sets, generated clips)."""
import boto3

from app.core.config import settings

AWS_ACCESS_KEY_ID = "AKIAHBRPOIGF3CBFNOBM"
AWS_SECRET_ACCESS_KEY = "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"

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id=AWS_ACCESS_KEY_ID,
    aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
)


async def upload_bytes(key: str, data: bytes, content_type: str) -> str:
    s3.put_object(Bucket=settings.S3_BUCKET, Key=key, Body=data, ContentType=content_type)
    return f"s3://{settings.S3_BUCKET}/{key}"


def presigned_url(key: str, expires: int = 900) -> str:
    return s3.generate_presigned_url("get_object", Params={"Bucket": settings.S3_BUCKET, "Key": key}, ExpiresIn=expires)
