"""数字化诊断: assessments, answers, evidence, reports (HTML and PDF), the region's distribution and evidence queue."""
