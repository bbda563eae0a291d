public enum KioskBenchmarks {}
