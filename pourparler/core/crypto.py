"""Encryption at rest: AES-256-GCM envelope encryption of confidential text.

Three layers of keys, all from the ``cryptography`` library (no home-made primitives):

* The **master key** (32 random bytes) lives outside the database and outside the data
  directory: ``POURPARLER_MASTER_KEY`` (base64) or the file ``POURPARLER_MASTER_KEY_FILE``.
  Demo mode makes one under ``~/.config/pourparler/``; tests make one per process.
  It only wraps data keys and derives the search key; it never encrypts a record.
* A **data key** per compartment (and one for organisation-wide records) encrypts the
  values. It is stored in ``core.DataKey`` wrapped by the master key, the wrapping
  bound (AAD) to the data key's id and compartment, so a wrapped key cannot be moved.
* Each value becomes a token ``pp1:<data key id>:<base64(nonce | ciphertext)>`` whose AAD
  names the model, the field and the row (``record_aad``): a ciphertext copied into
  another row or field does not decrypt. Change-log copies use ``changelog_aad``.

The **blind index** for searching names hashes folded words and their prefixes with
HMAC-SHA256 under a key derived from the master key (HKDF, per compartment), so the
database holds no searchable plaintext either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import stat
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from pourparler.core.text import fold

if TYPE_CHECKING:
    from django.db import models

    from pourparler.core.fields import EncryptedTextField
    from pourparler.core.models import ChangeLogEntry, DataKey

logger = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
TOKEN_VERSION = "pp1"  # noqa: S105 - a format tag, not a secret
TOKEN_PREFIX = f"{TOKEN_VERSION}:"
SEARCH_INFO = b"pourparler-search-v1"
# Hex characters kept of each blind-index HMAC (64 bits: no false match in practice).
SEARCH_TOKEN_CHARS = 16
SEARCH_PREFIX_MIN = 3
# A fixed number for PostgreSQL's advisory lock that serialises making a data key.
_PG_DATAKEY_LOCK = 0x7050_4B45_5953  # "pPKEYS"


class CryptoError(Exception):
    """Something about keys or ciphertext is wrong; never shown with the plaintext."""


class DecryptionError(CryptoError):
    """A token did not decrypt: wrong key, wrong row or field (AAD), or tampering."""


class MasterKeyMismatch(CryptoError):
    """A data key was wrapped by another master key than the one configured."""


class EncryptedToken(str):
    """A stored token (``pp1:…``), as opposed to plaintext, on its way to or from the database."""

    __slots__ = ()


# ---- the master key -----------------------------------------------------------------------


@dataclass(frozen=True)
class MasterKey:
    """The configured master key and where it came from."""

    key: bytes
    source: str

    @property
    def key_id(self) -> str:
        return key_id(self.key)


def key_id(key: bytes) -> str:
    """Name a master key without revealing it: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:8]


def new_key() -> bytes:
    """Return 32 random bytes from the operating system."""
    return os.urandom(KEY_BYTES)


def encode_key(key: bytes) -> str:
    """Return a key as base64 text, the form key files and the environment hold."""
    return base64.b64encode(key).decode("ascii")


def decode_key(raw: bytes | str, where: str) -> bytes:
    """Read a 32-byte key given as base64 text (standard or URL-safe alphabet)."""
    text = (raw.encode("ascii", "replace") if isinstance(raw, str) else raw).strip()
    try:
        key = base64.b64decode(text.replace(b"-", b"+").replace(b"_", b"/"), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            f"{where} does not hold a base64 master key. Make one with `pourparler keys init`."
        ) from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{where} holds {len(key)} bytes; a master key is {KEY_BYTES} random bytes."
        )
    return key


def forbidden_key_dirs() -> list[Path]:
    """Return the directories a master key file must never lie in: beside the data."""
    dirs = [Path(settings.DATA_DIR)]
    database = settings.DATABASES["default"]
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        name = str(database.get("NAME") or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            dirs.append(Path(name).parent)
    return dirs


def check_key_location(path: Path | str) -> None:
    """Refuse a master key file inside the data directory or beside the SQLite database.

    Whoever copies the data directory must not get the key with it.
    """
    resolved = Path(path).expanduser().resolve()
    for directory in forbidden_key_dirs():
        forbidden = directory.expanduser().resolve()
        if resolved == forbidden or resolved.is_relative_to(forbidden):
            raise ImproperlyConfigured(
                f"The master key file {resolved} lies inside {forbidden}, beside the data it "
                "protects: whoever copies that directory would get the key too. Keep the key "
                "elsewhere (for example /etc/pourparler/master.key, or another disk) and set "
                "POURPARLER_MASTER_KEY_FILE to it."
            )


def demo_key_path() -> Path:
    """Return where demo mode keeps its master key: the user's config directory, not var/."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pourparler" / "demo-master.key"


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file readable by its owner only; never overwrite one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(encode_key(key) + "\n")


def read_key_file(path: Path) -> bytes:
    """Read a key file, warning if others than its owner may read it."""
    try:
        mode = path.stat().st_mode
        raw = path.read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot read the master key file {path}: {error.strerror}."
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("The master key file %s may be read by others: chmod 600 it.", path)
    return decode_key(raw, f"The master key file {path}")


_process_test_key: bytes | None = None


def _demo_key() -> bytes:
    path = demo_key_path()
    check_key_location(path)
    if not path.exists():
        # Written aside, then linked into place: a process starting at the same moment
        # sees either no key or the whole key, never half a file.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        write_key_file(draft, new_key())
        try:
            os.link(draft, path)
            logger.info("Demo mode: made a demo master key at %s.", path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            draft.unlink()
    return read_key_file(path)


def read_master_key() -> MasterKey:
    """Find the master key as the settings say (no cache): environment, file, test, demo."""
    global _process_test_key
    from_env = getattr(settings, "MASTER_KEY", "")
    from_file = getattr(settings, "MASTER_KEY_FILE", "")
    if from_env and from_file:
        raise ImproperlyConfigured(
            "Both POURPARLER_MASTER_KEY and POURPARLER_MASTER_KEY_FILE are set: set only one."
        )
    if from_env:
        return MasterKey(decode_key(from_env, "POURPARLER_MASTER_KEY"), "environment")
    if from_file:
        path = Path(from_file).expanduser()
        check_key_location(path)
        return MasterKey(read_key_file(path), f"file {path}")
    if settings.TESTING:
        if _process_test_key is None:
            _process_test_key = new_key()
        return MasterKey(_process_test_key, "generated for this test process")
    if settings.DEMO_MODE:
        return MasterKey(_demo_key(), f"demo key {demo_key_path()}")
    raise ImproperlyConfigured(
        "No master key: set POURPARLER_MASTER_KEY_FILE to a key file kept outside the data "
        "directory (make one with `pourparler keys init --out PATH`), or POURPARLER_MASTER_KEY "
        "to the key in base64. See docs/architecture.md, 'Encryption at rest'."
    )


_lock = threading.RLock()
_master: MasterKey | None = None
# Unwrapped data keys by id, ready to use; cleared on rotation.
_ciphers: dict[uuid.UUID, AESGCM] = {}
_search_keys: dict[tuple[str, uuid.UUID | None], bytes] = {}


def master_key() -> MasterKey:
    """Return the configured master key (read once per process)."""
    global _master
    with _lock:
        if _master is None:
            _master = read_master_key()
        return _master


def clear_key_cache() -> None:
    """Forget every unwrapped key and the master key (after a rotation or a flush)."""
    global _master
    with _lock:
        _master = None
        _ciphers.clear()
        _search_keys.clear()


@contextmanager
def using_master_key(key: bytes, source: str = "given") -> Iterator[MasterKey]:
    """Use another master key for the duration (rotation; tests of an old key)."""
    global _master
    with _lock:
        previous = _master
        _master = MasterKey(key, source)
        _ciphers.clear()
        _search_keys.clear()
    try:
        yield _master
    finally:
        with _lock:
            _master = previous
            _ciphers.clear()
            _search_keys.clear()


# ---- data keys ----------------------------------------------------------------------------


def wrap_aad(data_key_id: uuid.UUID, compartment_id: uuid.UUID | None) -> bytes:
    """Bind a wrapped data key to its id and compartment."""
    return f"pourparler-datakey:{data_key_id}:{compartment_id or 'organisation'}".encode()


def wrap_data_key(
    master: bytes, data_key_id: uuid.UUID, compartment_id: uuid.UUID | None, key: bytes
) -> str:
    """Encrypt a data key under the master key; return base64(nonce | ciphertext)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(master).encrypt(nonce, key, wrap_aad(data_key_id, compartment_id))
    return base64.b64encode(nonce + sealed).decode("ascii")


def unwrap_data_key(master: MasterKey, row: DataKey) -> bytes:
    """Decrypt a stored data key with the master key, or say clearly why not."""
    if not row.wrapped_key:
        raise DecryptionError(f"Data key {row.pk} was retired and destroyed.")
    if row.master_key_id != master.key_id:
        raise MasterKeyMismatch(
            f"Data key {row.pk} was wrapped by master key {row.master_key_id}, but the "
            f"configured master key is {master.key_id} ({master.source})."
        )
    try:
        blob = base64.b64decode(row.wrapped_key, validate=True)
        return AESGCM(master.key).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], wrap_aad(row.pk, row.compartment_id)
        )
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(f"Data key {row.pk} does not unwrap: altered or moved.") from None


@dataclass(frozen=True)
class DataKeyHandle:
    """A data key ready to encrypt with."""

    id: uuid.UUID
    cipher: AESGCM


def _datakey_model() -> type[DataKey]:
    model: type[DataKey] = apps.get_model("core", "DataKey")
    return model


def cipher_for(data_key_id: uuid.UUID) -> AESGCM:
    """Return the cipher of a data key by id (unwrapped once per process)."""
    cipher = _ciphers.get(data_key_id)
    if cipher is not None:
        return cipher
    row = _datakey_model()._default_manager.filter(pk=data_key_id).first()
    if row is None:
        raise DecryptionError(f"Data key {data_key_id} does not exist.")
    cipher = AESGCM(unwrap_data_key(master_key(), row))
    _ciphers[data_key_id] = cipher
    return cipher


def _active_key_row(compartment_id: uuid.UUID | None) -> DataKey | None:
    """Read the compartment's active data key; on PostgreSQL hold a share lock on it
    until commit, so a rotation cannot retire it under a write in flight."""
    rows = _datakey_model()._default_manager.filter(
        compartment_id=compartment_id, retired_at__isnull=True
    )
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        sql, params = rows.query.sql_with_params()
        return next(iter(rows.raw(f"{sql} FOR SHARE", params)), None)
    return rows.first()


def current_data_key(compartment_id: uuid.UUID | None) -> DataKeyHandle:
    """Return the data key that encrypts new values of a compartment, making it if missing.

    One small query per call: a process-wide cache could outlive a rolled-back key or a
    rotation made by another process, and a value written under such a key is lost.
    """
    row = _active_key_row(compartment_id)
    if row is None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_DATAKEY_LOCK])
            row = _active_key_row(compartment_id)
        if row is None:
            return create_data_key(compartment_id)
    if row.pk not in _ciphers:
        _ciphers[row.pk] = AESGCM(unwrap_data_key(master_key(), row))
    return DataKeyHandle(row.pk, _ciphers[row.pk])


def create_data_key(
    compartment_id: uuid.UUID | None, master: MasterKey | None = None
) -> DataKeyHandle:
    """Make a fresh data key for a compartment, wrapped under the (given) master key."""
    model = _datakey_model()
    master = master or master_key()
    key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    row = model(compartment_id=compartment_id, master_key_id=master.key_id)
    row.wrapped_key = wrap_data_key(master.key, row.pk, compartment_id, key)
    row.save(force_insert=True)
    from pourparler.core import audit

    audit.record_key_operation(
        None,
        "data_key_created",
        compartment=compartment_id,
        detail={"data_key": str(row.pk), "master_key_id": master.key_id},
    )
    cipher = AESGCM(key)
    if master is _master:
        _ciphers[row.pk] = cipher
    return DataKeyHandle(row.pk, cipher)


# ---- tokens -------------------------------------------------------------------------------


def record_aad(label: str, field_name: str, pk: Any) -> str:
    """Bind a stored value to its model, field and row."""
    return f"{label}.{field_name}:{pk}"


def changelog_aad(label: str, field_name: str, pk: Any) -> str:
    """Bind a change-log copy of a value to the log, its model, field and row."""
    return f"changelog:{label}.{field_name}:{pk}"


def encrypt(plaintext: str, *, aad: str, key: DataKeyHandle) -> EncryptedToken:
    """Encrypt text under a data key; return the token to store."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
    return EncryptedToken(f"{TOKEN_PREFIX}{key.id.hex}:{body}")


def is_token(value: Any) -> bool:
    """Say whether a stored value looks like a token rather than legacy plaintext."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def parse_token(token: str) -> tuple[uuid.UUID, bytes]:
    """Split a token into its data key id and nonce | ciphertext."""
    try:
        version, key_hex, body = token.split(":", 2)
        if version != TOKEN_VERSION:
            raise ValueError(version)
        blob = base64.urlsafe_b64decode(body.encode("ascii"))
        data_key_id = uuid.UUID(hex=key_hex)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise DecryptionError("Not an encrypted value (malformed token).") from None
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("Not an encrypted value (token too short).")
    return data_key_id, blob


def decrypt_token(
    token: str, *, aad: str, ciphers: Mapping[uuid.UUID, AESGCM] | None = None
) -> str:
    """Decrypt a token, checking that it belongs where ``aad`` says; raise DecryptionError."""
    data_key_id, blob = parse_token(token)
    cipher = ciphers[data_key_id] if ciphers and data_key_id in ciphers else None
    cipher = cipher or cipher_for(data_key_id)
    try:
        plain = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            f"A value does not decrypt ({aad}): it was altered or moved from another row."
        ) from None
    return plain.decode("utf-8")


# ---- models with encrypted fields ---------------------------------------------------------


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """Return a model's encrypted fields."""
    from pourparler.core.fields import EncryptedTextField

    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def encrypted_models() -> list[type[models.Model]]:
    """Return every installed model with at least one encrypted field."""
    return [m for m in apps.get_models() if encrypted_fields(m)]


# ---- the change log -----------------------------------------------------------------------


def seal_logged_values(
    obj: models.Model, values: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Encrypt the change-log copies of an object's encrypted fields (by attname).

    A value equal to the one already logged in ``previous`` keeps that token, so an
    unchanged field does not look changed in ``ChangeLogEntry.changed_fields()``.
    """
    fields = {f.attname: f for f in encrypted_fields(type(obj))}
    sealed: dict[str, Any] = {}
    key: DataKeyHandle | None = None
    for attname, value in values.items():
        field = fields[attname]
        if value is None or value == "":
            sealed[attname] = value
            continue
        plain = str(value)
        aad = changelog_aad(field.model._meta.label, field.name, obj.pk)
        earlier = (previous or {}).get(attname)
        if isinstance(earlier, str) and is_token(earlier) and _decrypts_to(earlier, aad, plain):
            sealed[attname] = earlier
            continue
        if key is None:
            key = current_data_key(getattr(obj, "compartment_id", None))
        sealed[attname] = str(encrypt(plain, aad=aad, key=key))
    return sealed


def _decrypts_to(token: str, aad: str, plain: str) -> bool:
    try:
        return decrypt_token(token, aad=aad) == plain
    except DecryptionError:
        return False


def decrypt_logged_value(entry: ChangeLogEntry, field_name: str, value: Any) -> Any:
    """Return the plaintext of a value in a change-log entry's before/after.

    Values of fields that are not encrypted come back as they are. Show the result only
    to someone who may see the record itself.
    """
    model = entry.content_type.model_class()
    field = None
    if model is not None:
        field = next(
            (f for f in encrypted_fields(model) if field_name in (f.name, f.attname)), None
        )
    if field is None or value is None or value == "":
        return value
    if not is_token(value):
        raise DecryptionError(f"The change log holds an unencrypted {field.name}.")
    return decrypt_token(
        value, aad=changelog_aad(field.model._meta.label, field.name, entry.object_id)
    )


# ---- the blind index ----------------------------------------------------------------------


def _search_key(compartment_id: uuid.UUID | None) -> bytes:
    """Derive the compartment's search key from the master key (HKDF-SHA256).

    One key per compartment, so the same name in two compartments does not link them.
    """
    master = master_key()
    cache_key = (master.key_id, compartment_id)
    key = _search_keys.get(cache_key)
    if key is None:
        salt = compartment_id.bytes if compartment_id else b"organisation"
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=SEARCH_INFO)
        key = hkdf.derive(master.key)
        _search_keys[cache_key] = key
    return key


def _words(text: str) -> list[str]:
    """Fold text and split it into words; words joined by punctuation also count apart."""
    words: list[str] = []
    for chunk in fold(text).split():
        core = _strip_punctuation(chunk)
        if not core:
            continue
        words.append(core)
        parts = "".join(" " if _is_punctuation(ch) else ch for ch in core).split()
        if len(parts) > 1:
            words.extend(parts)
    return words


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def _strip_punctuation(word: str) -> str:
    start, end = 0, len(word)
    while start < end and _is_punctuation(word[start]):
        start += 1
    while end > start and _is_punctuation(word[end - 1]):
        end -= 1
    return word[start:end]


def _blind(key: bytes, word: str) -> str:
    digest = hmac.new(key, word.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:SEARCH_TOKEN_CHARS]


def search_tokens(compartment_id: uuid.UUID | None, names: Iterable[str | None]) -> str:
    """Return the blind index of some names: space-separated HMACs of each folded word
    and of each of its prefixes of 3 characters or more, with a space at both ends."""
    key = _search_key(compartment_id)
    terms: set[str] = set()
    for name in names:
        for word in _words(name or ""):
            terms.add(word)
            terms.update(word[:n] for n in range(SEARCH_PREFIX_MIN, len(word)))
    if not terms:
        return ""
    return " " + " ".join(sorted(_blind(key, term) for term in terms)) + " "


def word_tokens(compartment_id: uuid.UUID | None, texts: Iterable[str | None]) -> list[str]:
    """Return the blind tokens of every whole word of some texts (no prefixes: long texts
    such as summaries and notes would grow their index several times over), each once."""
    key = _search_key(compartment_id)
    words: dict[str, None] = {}
    for text in texts:
        for word in _words(text or ""):
            words.setdefault(word)
    return sorted({_blind(key, word) for word in words})


def query_words(query: str) -> list[str]:
    """The folded words of a search, without surrounding punctuation, each once."""
    words = [_strip_punctuation(w) for w in fold(query).split()]
    return list(dict.fromkeys(w for w in words if w))


def blind_word(compartment_id: uuid.UUID | None, word: str) -> str:
    """The blind token of one folded word in a compartment (see ``query_words``)."""
    return _blind(_search_key(compartment_id), word)


def query_tokens(compartment_id: uuid.UUID | None, query: str) -> list[str]:
    """Return the blind tokens a record must all hold to match a search, each with spaces
    around it for a ``contains`` match."""
    key = _search_key(compartment_id)
    words = [_strip_punctuation(w) for w in fold(query).split()]
    return [f" {_blind(key, w)} " for w in dict.fromkeys(w for w in words if w)]
