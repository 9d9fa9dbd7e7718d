"""The product's errors: one small hierarchy, each with a stable code, an HTTP status and a CLI exit code.

    GongwenError                      code            HTTP  exit
    ├── InputError                    bad_input        400    2
    │   ├── UnsupportedInput          unsupported_type 415    3
    │   ├── CorruptInput              corrupt_input    422    4
    │   ├── EncryptedPdf              encrypted_pdf    422    5
    │   └── InputTooLarge             too_large        413    6
    ├── ModelError                    model_error      500    8
    ├── OcrTimeout                    timeout          504    9
    ├── StorageFull                   storage_full     507   10
    ├── ServiceUnavailable            unavailable      503   11
    └── StorageUnavailable            storage_unavailable 503 12

Third-party exceptions are re-raised as one of these with `raise … from exc` where they enter the
product; each interface (CLI, HTTP, worker) has one handler that maps them. `retryable` says whether a
queue may try the same input again (a corrupt file never is).
"""

from __future__ import annotations

from typing import ClassVar


class GongwenError(Exception):
    """Base of every error the product raises on purpose."""

    code: ClassVar[str] = "internal_error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    retryable: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class InputError(GongwenError):
    code, http_status, exit_code = "bad_input", 400, 2


class UnsupportedInput(InputError):
    code, http_status, exit_code = "unsupported_type", 415, 3


class CorruptInput(InputError):
    code, http_status, exit_code = "corrupt_input", 422, 4


class EncryptedPdf(InputError):
    code, http_status, exit_code = "encrypted_pdf", 422, 5


class InputTooLarge(InputError):
    code, http_status, exit_code = "too_large", 413, 6


class ModelError(GongwenError):
    code, http_status, exit_code = "model_error", 500, 8


class OcrTimeout(GongwenError):
    code, http_status, exit_code, retryable = "timeout", 504, 9, False


class StorageFull(GongwenError):
    code, http_status, exit_code, retryable = "storage_full", 507, 10, True


class ServiceUnavailable(GongwenError):
    code, http_status, exit_code, retryable = "unavailable", 503, 11, True


class StorageUnavailable(GongwenError):
    """The storage cannot be used: the object store is unreachable, its bucket is missing, or it refuses
    our credentials (`workers.storage.s3`). Retryable: a store that restarts comes back."""

    code, http_status, exit_code, retryable = "storage_unavailable", 503, 12, True


ERRORS_BY_CODE: dict[str, type[GongwenError]] = {
    cls.code: cls
    for cls in (GongwenError, InputError, UnsupportedInput, CorruptInput, EncryptedPdf, InputTooLarge,
                ModelError, OcrTimeout, StorageFull, ServiceUnavailable, StorageUnavailable)
}
