"""LoRA: the merged weight computes what the adapter on the frozen base computes."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from routeiq.plugins.guardrails.tf_export import (  # noqa: E402
    attach_lora,
    lora_linear_class,
    merge_into,
)


def test_merged_linear_equals_the_unmerged_forward() -> None:
    torch.manual_seed(0)
    base = torch.nn.Linear(12, 7)
    lora = lora_linear_class()(base, rank=3, alpha=6.0)
    with torch.no_grad():
        lora.b.normal_()  # B starts at zero; give the adapter a say
    x = torch.randn(5, 12)
    expected = lora(x).detach().numpy()
    merged = merge_into(
        base.weight.detach().numpy(), lora.a.detach().numpy(), lora.b.detach().numpy(), lora.scale
    )
    got = x.numpy() @ merged.T + base.bias.detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # And the adapter changed the output (the test can fail).
    assert not np.allclose(expected, base(x).detach().numpy(), atol=1e-3)


def test_a_fresh_adapter_starts_from_the_base_model() -> None:
    base = torch.nn.Linear(8, 4)
    lora = lora_linear_class()(base, rank=2, alpha=4.0)
    x = torch.randn(3, 8)
    np.testing.assert_allclose(lora(x).detach().numpy(), base(x).detach().numpy(), atol=1e-7)


def test_attach_lora_wraps_the_named_layers_of_a_bert() -> None:
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32,
    )  # fmt: skip
    bert = transformers.BertModel(config).eval()
    ids = torch.randint(0, 50, (2, 6))
    before = bert(input_ids=ids).last_hidden_state.detach()
    wrapped = attach_lora(bert, [1], ["attention.self.query", "output.dense"], rank=2, alpha=4.0)
    assert sorted(wrapped) == [
        "encoder.layer.1.attention.self.query",
        "encoder.layer.1.output.dense",
    ]
    with torch.no_grad():
        for module in wrapped.values():
            module.b.normal_()
    after = bert(input_ids=ids).last_hidden_state.detach()
    assert not torch.allclose(before, after)
    # Merge every adapter into its base weight and drop the adapters: same output.
    with torch.no_grad():
        for module in wrapped.values():
            merged = merge_into(
                module.base.weight.numpy(), module.a.numpy(), module.b.numpy(), module.scale
            )
            module.base.weight.copy_(torch.from_numpy(merged))
            module.b.zero_()
    np.testing.assert_allclose(
        bert(input_ids=ids).last_hidden_state.detach().numpy(), after.numpy(), atol=1e-5
    )
