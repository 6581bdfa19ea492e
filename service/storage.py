"""Media storage for premium uploads: a local folder by default, S3-compatible storage as an option.

Both keep files under random keys so names reveal nothing. A local file is served by the web
layer itself (with HTTP Range); an S3 object is served by redirecting an entitled listener to a
presigned URL that expires within a minute, so revoking access still takes effect at once.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageFull(ValueError):
    """The upload is larger than allowed; nothing was kept."""


class MediaStorage(Protocol):
    def put(self, source: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Store ``source``; return (key, size in bytes). Raise :class:`StorageFull` past ``max_bytes``."""

    def path(self, key: str) -> Path | None:
        """A local file for ``key`` if this store has one (served with HTTP Range by the web layer)."""

    def url(self, key: str, *, expires_s: int) -> str | None:
        """A short-lived URL the listener's app may fetch ``key`` from, for remote stores."""

    def delete(self, key: str) -> None: ...


class LocalFolderStorage:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, source: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        target = self.folder / key
        temporary = self.folder / (key + ".part")
        size = 0
        try:
            with temporary.open("wb") as handle:
                while chunk := source.read(1024 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise StorageFull(f"uploads are limited to {max_bytes} bytes")
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
        return key, size

    def path(self, key: str) -> Path | None:
        if not key.isalnum():
            return None
        candidate = self.folder / key
        return candidate if candidate.is_file() else None

    def url(self, key: str, *, expires_s: int) -> str | None:
        return None

    def delete(self, key: str) -> None:
        if key.isalnum():
            (self.folder / key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...). Needs ``boto3``."""

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ModuleNotFoundError:
            raise RuntimeError("S3 media storage needs boto3 (pip install boto3)") from None
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self._client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                    aws_access_key_id=access_key_id or None,
                                    aws_secret_access_key=secret_access_key or None,
                                    # Signature v4: what S3-compatible stores accept; presigned URLs expire.
                                    config=Config(signature_version="s3v4"))

    def _name(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, source: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        import tempfile

        key = secrets.token_hex(16)
        # Spool first: the size limit must hold before anything reaches the bucket.
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            size = 0
            while chunk := source.read(1024 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise StorageFull(f"uploads are limited to {max_bytes} bytes")
                spool.write(chunk)
            spool.seek(0)
            self._client.upload_fileobj(spool, self.bucket, self._name(key))
        return key, size

    def path(self, key: str) -> Path | None:
        return None

    def url(self, key: str, *, expires_s: int) -> str | None:
        if not key.isalnum():
            return None
        return str(self._client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self._name(key)},
                                                        ExpiresIn=expires_s))

    def delete(self, key: str) -> None:
        if key.isalnum():
            self._client.delete_object(Bucket=self.bucket, Key=self._name(key))
