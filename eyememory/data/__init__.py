"""Data the chapters learn from: the digits, words and sentences, series."""
