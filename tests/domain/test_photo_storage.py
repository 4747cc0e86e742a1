"""Speaker photos in an S3-compatible bucket (django-storages), against a local server (moto)."""

import ast
import io
import json
import socket
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from program.photos import photo_files, prepare_photo, remove_photo, set_photo
from tests.factories import ConferenceFactory, SpeakerFactory, TalkFactory
from tests.project.test_settings import settings_in_subprocess

pytestmark = pytest.mark.django_db

BUCKET = "photos"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local-test-key",
    "AWS_SECRET_ACCESS_KEY": "local-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def test_a_bucket_needs_its_public_address():
    result = settings_in_subprocess("s.MEDIA_ORIGIN", DJANGO_MEDIA_BUCKET=BUCKET)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_MEDIA_BUCKET needs "
        "DJANGO_MEDIA_PUBLIC_URL: the address the public reads the bucket at, such as "
        "https://photos.example.org or https://s3.example.org/bucket."
    )


def test_without_a_bucket_photos_are_files_under_the_media_root(tmp_path):
    result = settings_in_subprocess(
        "s.STORAGES['default']", "str(s.MEDIA_ROOT)", "s.MEDIA_URL", "s.MEDIA_ORIGIN",
        DJANGO_MEDIA_ROOT=str(tmp_path),
    )  # fmt: skip

    assert ast.literal_eval(result.stdout) == (
        {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        str(tmp_path),
        "/media/",
        None,
    )


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free local port: the API that MinIO, Ceph or R2 also speak."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket_storage(s3_server, settings, monkeypatch):
    """STORAGES and MEDIA_ORIGIN as conference/settings.py makes them for a bucket."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    environment = {
        "DJANGO_MEDIA_BUCKET": BUCKET,
        "DJANGO_MEDIA_ENDPOINT_URL": s3_server,
        "DJANGO_MEDIA_PUBLIC_URL": f"{s3_server}/{BUCKET}",
    }
    result = settings_in_subprocess("s.STORAGES['default']", "s.MEDIA_ORIGIN", **environment)
    storage, origin = ast.literal_eval(result.stdout)
    client = boto3.client("s3", endpoint_url=s3_server)
    client.create_bucket(Bucket=BUCKET)
    # Anyone may read the photos (README "Speaker photos"); only the site's key writes.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_ORIGIN = origin
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def jpeg(size=(900, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="portrait.jpg")


def test_photo_sizes_go_to_the_bucket_and_are_read_from_its_public_address(
    bucket_storage, s3_server, client, django_capture_on_commit_callbacks
):
    speaker = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    TalkFactory(conference=ConferenceFactory(slug="2026"), speakers=[speaker])

    set_photo(speaker=speaker, photo=prepare_photo(jpeg()))

    keys = sorted(item["Key"] for item in bucket_storage.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == sorted(photo_files(speaker))
    head = bucket_storage.head_object(Bucket=BUCKET, Key=speaker.photo.name)
    assert (head["ContentType"], head["CacheControl"]) == (
        "image/jpeg",
        "public, max-age=31536000, immutable",
    )
    page = client.get("/2026/speakers/yuhan-liu/")
    public_url = f"{s3_server}/{BUCKET}/{speaker.photo.name}"
    assert f'src="{public_url}"' in page.content.decode()
    assert f"img-src 'self' data: {s3_server};" in page["Content-Security-Policy"]
    with urllib.request.urlopen(public_url) as response:  # the browser's request
        assert response.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(response.read())).size == (640, 640)

    with django_capture_on_commit_callbacks(execute=True):
        remove_photo(speaker=speaker)

    assert bucket_storage.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
