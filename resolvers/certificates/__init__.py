"""Record certificates (志愿服务记录证明) and the public honour roll (嘉许礼遇)."""
