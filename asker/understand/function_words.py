"""Closed-class words by function: the words of a question that carry grammar, tone or
politeness rather than content. They never block a question whose metric, scope and period are
resolved; what some of them mean (a question word of identity over a set, a sort direction, "the
last N") is read by ``order_words``.

The classes are parts of speech, not examples collected from failures; a word in none of them is
judged by jieba's part-of-speech tag (``jieba.posseg``, offline), so an unseen pronoun, particle,
preposition or adverb of degree is recognised as one.

>>> function_class("麻烦")
'politeness'
>>> function_class("哪几个")
'identity_question'
>>> function_class("这边")  # in the demonstratives
'demonstrative'
>>> is_function_word("究竟")  # in no list: jieba tags it an adverb
True
>>> is_function_word("利润"), is_function_word("不")  # a noun; negation is never grammar only
(False, False)
"""

from __future__ import annotations

from functools import cache

from asker.words import Segmenter

# Function words by part of speech (Chinese and English). Negation is deliberately absent: 不含,
# 除了, excluding change the question and are read by ``exclusion``.
CLASSES: dict[str, tuple[str, ...]] = {
    "pronoun": (
        "我", "我们", "咱", "咱们", "你", "您", "你们", "他", "她", "他们", "它", "它们", "大家",
        "自己", "本人", "人家", "俺", "i", "me", "we", "us", "you", "your", "our", "ours", "my",
        "it", "its", "they", "them", "their", "someone", "anyone", "one",
    ),
    "demonstrative": (
        "这", "那", "这个", "那个", "这些", "那些", "这边", "那边", "这里", "那里", "这儿", "那儿",
        "此", "该", "本", "这种", "那种", "这样", "那样", "这块", "那块", "this", "that", "these",
        "those", "here", "there", "such",
    ),
    "locative": (
        "里", "里面", "里头", "中", "之中", "当中", "内", "之内", "以内", "上面", "下面", "底下",
        "其中", "方面", "这块儿", "within", "inside", "among", "amongst", "across",
    ),
    "particle": (
        "的", "地", "得", "了", "着", "过", "吗", "呢", "吧", "啊", "呀", "哦", "嘛", "啦", "哈",
        "嗯", "哎", "噢", "喔", "呗", "哇", "么", "呐", "咯", "嘞", "um", "uh", "umm", "er",
        "erm", "oh", "well", "hmm", "ok", "okay", "so",
    ),
    "modal": (
        "能", "能不能", "可以", "可不可以", "能否", "可否", "要", "想", "想要", "需要", "会",
        "应该", "可能", "得要", "could", "can", "would", "will", "should", "may", "might",
        "must", "need", "want", "wanna", "like", "let", "let's",
    ),
    "degree": (
        "很", "非常", "比较", "特别", "挺", "太", "更", "更加", "稍微", "稍", "有点", "有些",
        "相对", "较为", "十分", "极", "蛮", "quite", "very", "rather", "relatively",
        "pretty", "really", "fairly", "somewhat",
    ),
    "hedge": (
        "大概", "大约", "大致", "约", "左右", "差不多", "估计", "粗略", "基本", "基本上", "到底",
        "究竟", "就是", "其实", "一般", "简单", "大体", "一下", "一点", "一些", "roughly",
        "approximately", "around", "about", "maybe", "perhaps", "basically", "kind", "sort",
        "just", "actually", "quickly", "briefly", "quick", "overall", "总体", "整体", "总体上",
        "整体上", "总的来说", "总的", "大体上",
    ),
    "politeness": (
        "请", "请问", "麻烦", "麻烦您", "麻烦你", "谢谢", "多谢", "感谢", "辛苦", "辛苦了", "您好",
        "你好", "劳驾", "拜托", "有劳", "谢啦", "please", "thanks", "thank", "hi", "hello",
        "hey", "kindly", "cheers", "pls", "plz", "plse", "thx", "thnx", "thks", "tks", "ty",
        "thankyou", "thanx",
        # forms of address used as a vocative ("老师帮忙看下")
        "老师", "领导", "同事", "亲",
    ),
    "quantity_question": (
        "多少", "几", "几个", "多大", "多高", "多少钱", "多少笔", "多少户", "多少个", "how", "much",
        "many",
    ),
    "identity_question": (
        "哪", "哪些", "哪个", "哪家", "哪几个", "哪几家", "哪一个", "哪一家", "哪位", "哪几位",
        "什么", "啥", "which", "what", "who", "whose",
    ),
    "conjunction": (
        "和", "与", "及", "以及", "跟", "同", "或", "或者", "还是", "并且", "而且", "然后", "另外",
        "带上", "加上", "附上", "连同", "附带", "外加", "and", "or", "also", "plus", "then",
    ),
    "preposition": (
        "在", "按", "按照", "从", "到", "对", "对于", "关于", "给", "把", "被", "让", "将", "以",
        "为", "由", "of", "for", "in", "on", "at", "by", "to", "with", "from", "into", "per",
    ),
    # English auxiliaries and the empty verbs of small talk ("how are we doing").
    "auxiliary": (
        "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "doing",
        "done", "have", "has", "had", "having", "going", "gonna",
    ),
    # Verbs of asking and showing: the request itself, not what is asked for.
    "request_verb": (
        "看", "看看", "查", "了解", "了解一下", "问", "问下", "问一下", "知道", "想知道", "告诉",
        "说", "说说", "显示", "展示", "列", "列出", "拉", "拉一下", "给出", "出", "排", "排一下",
        "排个", "排列", "排在", "汇报", "汇报一下", "报告", "报一下", "说下", "讲讲", "讲一下",
        "show", "tell", "give", "list", "see", "know", "get", "find", "report", "brief",
        "display", "pull", "check", "look", "sorted", "sort", "ordered", "order", "arranged",
    ),
}  # fmt: skip

# jieba tags of closed classes: pronoun, preposition, conjunction, particles, modal particle,
# interjection, onomatopoeia, locative, adverb (numerals are content: they may be thresholds).
CLOSED_TAGS = frozenset(("r", "p", "c", "u", "y", "e", "o", "f", "d"))
CLOSED_TAG_PREFIXES = ("u",)  # uj, ul, uz, ug, uv, ud: particles
# Adverbs that change the question: negation and restriction are content, whatever the tag.
CONTENT_ADVERBS = frozenset(
    ("不", "没", "没有", "未", "非", "无", "别", "仅", "只", "除", "再", "又")
)

_BY_WORD: dict[str, str] = {w: cls for cls, words in CLASSES.items() for w in words}


def function_class(word: str) -> str | None:
    """The closed class ``word`` belongs to by the lexicon, or None."""
    return _BY_WORD.get(word.lower())


def words_of(*classes: str) -> frozenset[str]:
    """Every word of the named classes."""
    return frozenset(w for cls in classes for w in CLASSES[cls])


@cache
def _tagger() -> Segmenter:
    return Segmenter(_BY_WORD)


def pos_is_closed(word: str) -> bool:
    """Whether jieba tags every part of ``word`` as a closed class (and none is negation)."""
    pairs = _tagger().tag(word)
    return bool(pairs) and all(
        w not in CONTENT_ADVERBS and (f in CLOSED_TAGS or f.startswith(CLOSED_TAG_PREFIXES))
        for w, f in pairs
    )


def is_function_word(word: str) -> bool:
    """A closed-class word: by the lexicon, else by jieba's tag (Chinese only)."""
    lowered = word.lower()
    if lowered in _BY_WORD:
        return True
    if lowered in CONTENT_ADVERBS or not any("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    return pos_is_closed(word)
