"""Fine-tuning: run config, memory check, bad input; and one real LoRA run on CPU (a
few short steps on a tiny dataset) that is cancelled, resumed from its checkpoint,
exported, activated and served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from devlab.config import load_settings
from devlab.errors import ComponentUnavailable, DevLabError, InvalidInput
from devlab.llm.base import GenerationParams
from devlab.llm.service import LLMService
from devlab.progress import JobCancelled
from devlab.training import registry
from devlab.training.errors import BaseModelUnloadable, WontFit
from devlab.training.finetune import finetune, latest_checkpoint
from devlab.training.gguf_export import _last_check
from devlab.training.jobs import get_run, run_training
from devlab.training.modeling import load_base_model, resolve_base_dir
from devlab.training.models import TrainRequest
from devlab.training.runconfig import (
    RunConfig,
    check_fits,
    load_run_config,
    model_shape,
    write_accelerate_config,
)
from devlab.training.trainingdata import IGNORE, encode_example, pack
from devlab.workbench import Workbench
from training.model_helpers import MODELS_DIR, tiny_examples, write_dataset


@pytest.fixture(scope="module")
def packaged():
    from pathlib import Path

    from devlab.llm.weights import ensure_packaged_model

    return ensure_packaged_model(Path(MODELS_DIR))


def test_run_config_defaults_yaml_and_unknown_keys(tmp_path):
    cfg = RunConfig()
    assert (cfg.lora_rank, cfg.lora_alpha, cfg.learning_rate) == (16, 32, 3e-4)
    assert cfg.resolved("cpu").context_length == 512
    assert cfg.resolved("cuda").context_length == 2048
    path = tmp_path / "run.yaml"
    path.write_text("lora_rank: 8\nmax_steps: 5\n")
    loaded = load_run_config(path, max_steps=7)
    assert (loaded.lora_rank, loaded.max_steps) == (8, 7)
    path.write_text("lora_rnk: 8\n")
    with pytest.raises(InvalidInput, match="lora_rnk"):
        load_run_config(path)


def test_accelerate_config_for_two_nodes_of_four_gpus(tmp_path):
    path = write_accelerate_config(
        tmp_path / "accelerate.yaml",
        gpus=4,
        machines=2,
        machine_rank=1,
        main_process_ip="10.0.0.1",
    )
    config = yaml.safe_load(path.read_text())
    assert config["distributed_type"] == "MULTI_GPU"
    assert (config["num_processes"], config["num_machines"], config["machine_rank"]) == (8, 2, 1)
    assert config["main_process_ip"] == "10.0.0.1" and config["mixed_precision"] == "bf16"
    single = yaml.safe_load(write_accelerate_config(tmp_path / "one.yaml", gpus=1).read_text())
    assert single["distributed_type"] == "NO" and "main_process_ip" not in single
    with pytest.raises(InvalidInput):
        write_accelerate_config(tmp_path / "bad.yaml", gpus=0)


def test_a_run_that_will_not_fit_is_refused_with_the_estimate(packaged, tmp_path):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=MODELS_DIR)
    huge = RunConfig(batch_size=64, context_length=8192)
    with pytest.raises(WontFit) as caught:
        finetune(settings, huge, tmp_path / "data", tmp_path / "run")
    assert "GiB" in caught.value.message and "logits" in caught.value.message
    assert caught.value.detail["estimate_bytes"] > caught.value.detail["available_bytes"]
    assert not (tmp_path / "run").exists()  # refused before anything started
    small = RunConfig(batch_size=1, context_length=64).resolved("cpu")
    assert check_fits(small, model_shape(packaged), "cpu").gib < 3


def test_an_unloadable_base_model_names_the_path(tmp_path):
    settings = load_settings(home=tmp_path / "home")
    missing = tmp_path / "no-such-model"
    with pytest.raises(BaseModelUnloadable, match=str(missing)):
        resolve_base_dir(settings, str(missing))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "nonsense"}')
    with pytest.raises(BaseModelUnloadable, match=str(broken)):
        load_base_model(broken, device="cpu")


def test_qlora_needs_cuda(packaged, tmp_path):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=MODELS_DIR)
    with pytest.raises(ComponentUnavailable, match="QLoRA"):
        finetune(settings, RunConfig(method="qlora", device="cpu"), tmp_path, tmp_path / "r")


def test_objectives_fim_tokens_and_packing(packaged):
    _, codec = load_base_model(packaged, device="cpu")
    examples = tiny_examples()
    fim = encode_example(next(e for e in examples if e["kind"] == "completion"), codec)
    assert fim.ids[0] == codec.bos_id and fim.labels == fim.ids  # causal LM on everything
    for marker in ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"):
        assert codec.special[marker] in fim.ids  # one token each (a reserved piece)
    sft = encode_example(next(e for e in examples if e["kind"] == "doc-to-code"), codec)
    answer = [label for label in sft.labels if label != IGNORE]
    assert sft.labels[0] == IGNORE and codec.decode(answer).startswith("def ")  # response only
    packed = pack([fim, sft, fim], context=64)
    assert len(packed) < 3 and all(len(s.ids) <= 64 for s in packed)


@pytest.mark.slow
def test_lora_run_cancel_resume_export_activate_and_serve(packaged, tmp_path):
    # served on the transformers engine (with the adapter through peft): merging an
    # adapter into the fast engines' exports is tested on its own (test_onnx_genai,
    # test_fastpath) and costs a minute more here
    settings = load_settings(
        home=tmp_path / "home", llm_models_dir=MODELS_DIR, llm_local_engine="transformers"
    )
    bench = Workbench.open(settings)
    try:
        dataset = write_dataset(settings, bench.db)
        config = {
            "context_length": 64,
            "batch_size": 2,
            "gradient_accumulation": 1,  # CPU's default is 4: four times the test's time
            "learning_rate": 1e-3,
            "warmup_steps": 0,
            "eval_every": 2,
            "checkpoint_every": 10,
            "lora_rank": 8,
            "device": "cpu",
            "export_gguf": True,  # written from the packaged GGUF, checked by loading it back
        }

        def cancel_after_two(event):
            if event.stage == "train" and event.done >= 2:
                raise JobCancelled()

        # 1. cancelled after two steps: its checkpoint is kept
        with pytest.raises(DevLabError, match="cancelled"):
            run_training(
                bench,
                TrainRequest(dataset=str(dataset.id), config=config, max_steps=4),
                progress=cancel_after_two,
            )
        version = registry.list_versions(bench.db)[0]
        assert version.status == "cancelled"
        run_dir = registry.version_paths(settings, version)["run_dir"]
        assert latest_checkpoint(run_dir).name == "step-000002"

        # 2. resumed: continues at step 3, the training loss falls, the run is ready
        run = run_training(bench, TrainRequest(resume=version.id, max_steps=4))
        assert run.status == "ready" and run.metrics["resumed_from"] == 2
        losses = [h["loss"] for h in run.loss_history]
        assert [h["step"] for h in run.loss_history] == [1, 2, 3, 4]
        assert losses[-1] < losses[0], losses
        assert run.metrics["tokens_per_s"] > 0
        print("LORA-METRICS", losses, run.metrics["tokens_per_s"], run.metrics["peak_rss_gb"])
        assert (run_dir / "loss.png").stat().st_size > 1000
        adapter = run_dir / "adapter"
        assert (adapter / "adapter_config.json").is_file()
        assert json.loads((adapter / "devlab-tokens.json").read_text())["special"]
        assert get_run(bench, version.id).loss_history == run.loss_history
        gguf_file = Path(run.metrics["gguf_path"])
        assert gguf_file.stat().st_size > 400e6  # F16 weights of 270M parameters
        assert _last_check["error"] < 0.01  # the file's logits are the merged model's

        # 3. activated: LLMService (what the Companion uses) serves it, with the adapter
        registry.activate(bench.db, version.id, ["generate"])
        llm = LLMService(settings, bench.db)
        completion = llm.complete(
            "generate", "def add(a, b):\n", GenerationParams(max_tokens=8, temperature=0)
        )
        assert completion.provider == "registry" and completion.model == version.tag
        assert completion.usage.completion_tokens >= 1
    finally:
        bench.close()


def test_cli_train_unknown_dataset_is_exit_2(tmp_path, monkeypatch):
    from devlab.cli import app

    monkeypatch.setenv("DEVLAB_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["train", "--dataset", "ghost", "--max-steps", "1"])
    assert result.exit_code == 2 and "ghost" in result.output
