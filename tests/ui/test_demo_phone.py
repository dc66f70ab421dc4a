"""The demo phone: bilingual sample labels, and QR codes the gate can read."""

from __future__ import annotations

from typing import Any

import numpy as np
import zxingcpp
from PySide6.QtCore import QEvent
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from checkpoint_app.ui.demo_phone import DemoPhone
from checkpoint_app.ui.i18n import Language, set_current


def decode(phone: DemoPhone) -> str:
    image = phone.picture.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    found = zxingcpp.read_barcodes(np.ascontiguousarray(pixels[:, :width]))
    assert found, "the demo phone's QR code does not decode"
    return str(found[0].text)


def test_labels_are_chinese_first_and_the_qr_is_the_code(qtbot: Any) -> None:
    set_current(Language.ZH)
    phone = DemoPhone()
    qtbot.addWidget(phone)
    titles = [phone.choice.itemText(i) for i in range(phone.choice.count())]
    assert titles[0] == "绿码 / green"
    assert "伪造（签名后篡改） / forged (edited after signing)" in titles
    assert all(" / " in t for t in titles)  # every sample has both languages
    forged = titles.index("伪造（签名后篡改） / forged (edited after signing)")
    phone.choice.setCurrentIndex(forged)
    current = phone.current()
    assert current is not None and decode(phone) == current.text
    assert phone.caption.text() == titles[forged]

    set_current(Language.EN)
    QApplication.sendEvent(phone, QEvent(QEvent.Type.LanguageChange))
    assert phone.choice.itemText(0) == "green / 绿码"
    assert phone.choice.currentIndex() == forged
    set_current(Language.ZH)
