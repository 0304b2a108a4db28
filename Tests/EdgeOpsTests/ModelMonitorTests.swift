import EdgeCloud
import EdgeOps
import Foundation
import Testing

@Suite("Model monitor")
struct ModelMonitorTests {
    /// SplitMix64: reproducible streams without Foundation's global generator.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func normal(_ mean: Double, _ sd: Double) -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
            let v = Double.random(in: 0..<1, using: &self)
            return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    static let info = ModelInfo(name: "solder", version: "3.1.0", sha256: String(repeating: "ab", count: 32), labels: ["ok", "defect"])
    /// Windows large enough that sampling noise (PSI ≈ (bins − 1)(1/n₁ + 1/n₂) ≈ 0.03) stays well under the clear threshold.
    static let configuration = MonitorConfiguration(baselineFrames: 1000, window: 500)

    /// A frame of the line; `shift` moves brightness and lowers confidence as a fouled lens would.
    static func feed(_ monitor: ModelMonitor, frames: Int, shift: Double, rng: inout Seeded) {
        for _ in 0..<frames {
            let confidence = min(max(rng.normal(0.9 - shift * 0.5, 0.03), 0), 1)
            let label = rng.normal(0, 1) > 1.6 ? "defect" : "ok"
            monitor.record(
                latency: .microseconds(Int64(4000 + rng.normal(0, 300))),
                classification: Classification(index: label == "ok" ? 0 : 1, label: label, confidence: confidence),
                statistics: FrameStatistics(
                    brightness: rng.normal(0.5 + shift, 0.03),
                    contrast: rng.normal(0.2, 0.01),
                    sharpness: rng.normal(0.05, 0.005)
                )
            )
        }
    }

    static func alarms(_ messages: [MQTTMessage]) -> [MQTTMessage] {
        messages.filter { $0.topic == "te/device/main/service/edgemlops/a/model_drift" }
    }

    @Test func shiftedStreamRaisesAndReturnClears() throws {
        let monitor = ModelMonitor(thinEdge: ThinEdgeModel(), configuration: Self.configuration)
        monitor.reset(for: Self.info)
        var rng = Seeded(state: 42)
        Self.feed(monitor, frames: 1000 + 500, shift: 0, rng: &rng)
        #expect(Self.alarms(monitor.tick(now: 1)).isEmpty)
        #expect(monitor.drift.index < 0.1)

        Self.feed(monitor, frames: 500, shift: 0.2, rng: &rng)
        let raised = Self.alarms(monitor.tick(now: 2))
        #expect(raised.count == 1)
        #expect(raised.first?.retain == true)
        #expect(raised.first?.payloadString.contains(#""severity":"major""#) == true)
        #expect(monitor.drift.index > 0.25)
        // Still shifted: no second raise.
        Self.feed(monitor, frames: 50, shift: 0.2, rng: &rng)
        #expect(Self.alarms(monitor.tick(now: 3)).isEmpty)

        Self.feed(monitor, frames: 500, shift: 0, rng: &rng)
        let cleared = Self.alarms(monitor.tick(now: 4))
        #expect(cleared.count == 1)
        #expect(cleared.first?.payload.isEmpty == true)
    }

    @Test func borderlineDriftDoesNotFlap() throws {
        // Between the thresholds nothing changes, whichever side it came from.
        let monitor = ModelMonitor(
            thinEdge: ThinEdgeModel(),
            configuration: MonitorConfiguration(baselineFrames: 300, window: 200, raiseAbove: 0.25, clearBelow: 0.0)
        )
        monitor.reset(for: Self.info)
        var rng = Seeded(state: 7)
        Self.feed(monitor, frames: 500, shift: 0, rng: &rng)
        Self.feed(monitor, frames: 200, shift: 0.2, rng: &rng)
        #expect(Self.alarms(monitor.tick(now: 1)).count == 1)
        Self.feed(monitor, frames: 200, shift: 0, rng: &rng)
        // PSI is back near zero but never below a clear threshold of 0: the alarm stays.
        #expect(Self.alarms(monitor.tick(now: 2)).isEmpty)
    }

    @Test func measurementCarriesTheIntervalFigures() throws {
        let monitor = ModelMonitor(thinEdge: ThinEdgeModel(), configuration: Self.configuration)
        monitor.reset(for: Self.info)
        for (ms, label, confidence) in [(2.0, "ok", 0.8), (4.0, "ok", 0.9), (10.0, "defect", 0.7)] {
            monitor.record(
                latency: .milliseconds(ms),
                classification: Classification(index: label == "ok" ? 0 : 1, label: label, confidence: confidence),
                statistics: nil
            )
        }
        monitor.recordDropped(2)
        let messages = monitor.tick(now: 1_790_000_000)
        let measurement = try #require(messages.first { $0.topic == "te/device/main/service/edgemlops/m/edgemlops_model" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(measurement.payload)) as? [String: Any])
        let latency = try #require(json["latency"] as? [String: Double])
        #expect(latency["p50"] == 4 && latency["p99"] == 10)
        #expect(json["frames"] as? [String: Double] == ["processed": 3, "dropped": 2])
        #expect(json["verdicts"] as? [String: Double] == ["ok": 2, "defect": 1])
        let mean = try #require((json["confidence"] as? [String: Double])?["mean"])
        #expect(abs(mean - 0.8) < 1e-9)
        // Counters restart with the next interval: nothing happened, nothing is sent.
        #expect(monitor.tick(now: 1_790_000_060).isEmpty)
    }

    @Test func twinNamesTheServingModel() throws {
        let monitor = ModelMonitor(thinEdge: ThinEdgeModel())
        let twin = monitor.twin(Self.info)
        #expect(twin.topic == "te/device/main/service/edgemlops/twin/edgemlops_model")
        #expect(twin.retain)
        #expect(twin.payloadString == #"{"name":"solder","sha256":"\#(Self.info.sha256)","version":"3.1.0"}"#)
    }

    @Test func frameStatisticsFromLuma() throws {
        let flat = try #require(FrameStatistics(luma: [UInt8](repeating: 128, count: 64), width: 8, height: 8))
        #expect(abs(flat.brightness - 128.0 / 255) < 1e-12 && flat.contrast < 1e-6 && flat.sharpness == 0)
        let checker = (0..<64).map { UInt8((($0 % 8) + ($0 / 8)) % 2 == 0 ? 0 : 255) }
        let sharp = try #require(FrameStatistics(luma: checker, width: 8, height: 8))
        #expect(abs(sharp.contrast - 0.5) < 1e-9)
        // Every interior pixel differs from all four neighbours by 255: |4·255 − 0| / 255 = 4.
        #expect(sharp.sharpness == 4)
        #expect(FrameStatistics(luma: [1, 2], width: 1, height: 2) == nil)
    }
}
