"""Annual open plans (年度公共数据开放计划, R2024 §26): the authority's regional plan and each agency's."""
