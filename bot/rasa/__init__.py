"""A Rasa 3.x assistant on our actions: ``aftersales rasa export DIR`` writes its project
(domain, NLU data with entity annotations, rules, a jieba pipeline) from ``training_data/`` and
the action code, so nobody has to read ``bot/actions`` to find the slots."""
