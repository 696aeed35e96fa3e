"""Per-class accuracy: which classes the model gets right, and what it confuses."""

import streamlit as st

import ui
from lib import describe
from lib.charts.classes import accuracy_chart, confusion_chart, confusion_frame
from lib.i18n import LANGS, class_names
from lib.metrics import (
    class_table,
    confusion_matrix,
    most_confused_with,
    per_class_accuracy,
    predict,
    predict_test_set,
)

st.title(ui.tr("per_class.title"))
st.markdown(ui.tr("per_class.intro"))

chosen = ui.run_on_test_set("per_class")
if chosen is None:
    st.stop()

data, run, pred = chosen  # pred: the 10,000 test images
C = confusion_matrix(pred.y, pred.y_pred)  # (10, 10), rows = true labels
other = next(lang for lang in LANGS if lang != ui.lang())  # the names in the other language too
table = class_table(C, ui.names(), also=class_names(other))  # hardest class first
overall = float(C.diagonal().sum() / C.sum())

st.markdown(ui.tr("per_class.overall", acc=overall, n=int(C.sum())))
hard, easy = table.iloc[0], table.iloc[-1]
st.markdown(
    ui.tr(
        "per_class.hardest",
        name=hard["name"],
        acc=hard["accuracy"],
        other=hard["confused_with"],
        count=hard["confused_count"],
        easy=easy["name"],
        easy_acc=easy["accuracy"],
    )
)

left, right = st.columns([3, 2])
with left:
    st.subheader(ui.tr("per_class.table"))
    st.caption(ui.tr("per_class.table_help"))
    st.dataframe(
        table.drop(columns="class"),
        hide_index=True,
        key="per_class.table",
        column_config={
            "name": ui.tr("per_class.col.name"),
            "also": ui.tr("per_class.col.also"),
            "accuracy": st.column_config.ProgressColumn(
                ui.tr("per_class.col.accuracy"),
                help=ui.tr("per_class.col.accuracy_help"),
                min_value=0.0,
                max_value=1.0,
                format="percent",
            ),
            "count": st.column_config.NumberColumn(ui.tr("per_class.col.count")),
            "confused_with": st.column_config.TextColumn(
                ui.tr("per_class.col.confused_with"), help=ui.tr("per_class.col.confused_help")
            ),
            "confused_count": st.column_config.NumberColumn(ui.tr("per_class.col.confused_count")),
        },
    )
with right:
    st.subheader(ui.tr("per_class.bars"))
    st.caption(ui.tr("per_class.bars_help"))
    ui.chart(  # its data: the table on the left
        accuracy_chart(table, overall, ui.lang()),
        describe.class_accuracy(table, overall, ui.lang()),
    )

st.subheader(ui.tr("per_class.matrix"))
st.caption(ui.tr("per_class.matrix_help"))
ui.chart(
    confusion_chart(C, ui.names(), ui.lang()),
    describe.confusion(C, ui.names(), ui.lang()),
    confusion_frame(C, ui.names()),
    title=ui.tr("per_class.matrix"),
    width="content",
)

ui.show_code(
    predict_test_set, predict, confusion_matrix, per_class_accuracy, most_confused_with, class_table
)
