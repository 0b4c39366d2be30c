import Foundation

/// CPython's `random.Random` (MT19937 and the methods the MLMD harness uses), so that the
/// benchmark writes exactly the values `bench_mlmd.py` writes for the same seed: same model
/// accuracies, same bulk qualities, same sampled positions, hence the same result counts.
struct PythonRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// `random.Random(seed)` for a non-negative integer seed below 2^32.
    init(seed: UInt32) {
        initByArray([seed])
    }

    private mutating func initGenrand(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1
        var j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    private mutating func genrand() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7FFF_FFFF)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_B0DF : 0)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.random()`: 53 random bits in [0, 1).
    mutating func random() -> Double {
        let a = Double(genrand() >> 5)
        let b = Double(genrand() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.getrandbits(k)` for k ≤ 64 (the first 32-bit word is the least significant).
    mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(k >= 0 && k <= 64)
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(genrand() >> (32 - k)) }
        let low = UInt64(genrand())
        let high = UInt64(genrand() >> (64 - k))
        return low | high << 32
    }

    /// `random._randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    mutating func randbelow(_ n: Int) -> Int {
        let bits = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(bits)
        while r >= UInt64(n) { r = getrandbits(bits) }
        return Int(r)
    }

    /// `random.randint(a, b)`, both ends included.
    mutating func randint(_ a: Int, _ b: Int) -> Int {
        a + randbelow(b - a + 1)
    }

    /// `random.uniform(a, b)`.
    mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * random()
    }

    /// `random.sample(population, k)` with CPython 3.11's two strategies.
    mutating func sample<T>(_ population: [T], _ k: Int) -> [T] {
        let n = population.count
        var result: [T] = []
        result.reserveCapacity(k)
        var setSize = 21
        if k > 5 { setSize += Int(pow(4.0, ceil(log(Double(k * 3)) / log(4.0)))) }
        if n <= setSize {
            var pool = population
            for i in 0..<k {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(population[j])
            }
        }
        return result
    }
}

/// Python's `round(x, 6)`: correctly rounded to 6 decimals, as printf does it.
func pythonRound6(_ value: Double) -> Double {
    Double(String(format: "%.6f", value))!
}
