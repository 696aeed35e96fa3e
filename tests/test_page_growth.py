"""The Train page's large-lr story through AppTest: the growth chart and the saturated verdict."""

import pytest
from apptest_helpers import has_chinese, open_app

needs_data = pytest.mark.usefixtures("real_data")  # fails, not skips, under REQUIRE_DATA=1


@needs_data
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_stable_run_at_lr_30_is_saturated_not_diverged_with_its_own_figures(lang):
    at = open_app(query={"lr": "30", "epochs": "2", "softmax": "stable"}, lang=lang)
    at.button(key="train.start").click().run()
    assert not at.exception and not at.error
    run = at.session_state["runs"][0]
    assert run.status == "saturated"
    message = at.warning[0].value
    last = run.history[-1]
    assert f"{last['w_norm']:.1f}" in message and f"{last['max_logit']:.0f}" in message
    assert (
        f"{last['train_loss']:.3f}" in message and f"{run.history[1]['train_loss']:.3f}" in message
    )
    if lang == "en":
        assert "did not diverge" in message and "overshoots" not in message
    else:
        assert has_chinese(message) and "并没有发散" in message
    names = [chart.proto.alt for chart in at.get("vega_lite_chart")]  # the growth chart's name
    assert any(f"{last['w_norm']:.4g}" in name for name in names), names
