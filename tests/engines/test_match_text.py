"""Chinese text for matchmaking: normalisation, the domain dictionary, stopwords, a quiet jieba."""

import subprocess
import sys

from engines.match import text


def test_it_normalises_full_width_and_case():
    assert text.normalise("ＭＥＳ系统　ＥＲＰ") == "mes系统 erp"


def test_it_keeps_domain_words_whole():
    words = text.segment("我们工厂有20台注塑机，排产靠老师傅，想上MES和进销存，还想做直播带货")
    for word in ("注塑机", "排产", "老师傅", "mes", "进销存", "直播带货"):
        assert word in words


def test_it_keeps_colloquial_cue_words_of_the_lexicon_whole():
    assert "订重" in text.segment("旺季房间老是订重")


def test_it_drops_stopwords_numbers_and_punctuation_from_tokens():
    tokens = text.tokens("我们公司需要一套系统，20台设备！")
    assert "我们" not in tokens and "系统" not in tokens and "20" not in tokens and "，" not in tokens
    assert "设备" in tokens


def test_it_initialises_jieba_without_log_output():
    code = "from engines.match import text; print(text.tokens('注塑机排产'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == ""
    assert "排产" in done.stdout
