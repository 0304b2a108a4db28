import CKernels
import Testing

/// One GEMM shape with storage strides wider than the logical sizes (padding columns).
struct GemmCase: Sendable, CustomTestStringConvertible {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var padA = 0, padB = 0, padY = 0
    var seed: UInt64 = 1

    var lda: Int { (transA ? m : k) + padA }
    var ldb: Int { (transB ? k : n) + padB }
    var ldy: Int { n + padY }
    var aCount: Int { (transA ? k : m) * lda }
    var bCount: Int { (transB ? n : k) * ldb }
    var yCount: Int { m * ldy }

    func a(_ i: Int, _ p: Int) -> Int { transA ? p * lda + i : i * lda + p }
    func b(_ p: Int, _ j: Int) -> Int { transB ? j * ldb + p : p * ldb + j }

    var geometry: ck_gemm_geometry {
        ck_gemm_geometry(
            m: m,
            n: n,
            k: k,
            trans_a: transA ? 1 : 0,
            trans_b: transB ? 1 : 0,
            lda: lda,
            ldb: ldb,
            ldy: ldy
        )
    }

    var testDescription: String {
        "\(m)x\(n)x\(k)\(transA ? " tA" : "")\(transB ? " tB" : "") pads \(padA),\(padB),\(padY)"
    }

    static let all: [GemmCase] = [
        GemmCase(m: 1, n: 1, k: 1),
        GemmCase(m: 3, n: 5, k: 7, seed: 2),
        GemmCase(m: 4, n: 8, k: 16, transB: true, seed: 3),
        GemmCase(m: 5, n: 9, k: 33, transA: true, padA: 2, padB: 1, padY: 3, seed: 4),
        GemmCase(m: 7, n: 17, k: 300, transA: true, transB: true, padB: 5, seed: 5),
        GemmCase(m: 2, n: 31, k: 1, padY: 1, seed: 6),
        GemmCase(m: 13, n: 1, k: 64, transB: true, padA: 3, seed: 7),
    ]
}
