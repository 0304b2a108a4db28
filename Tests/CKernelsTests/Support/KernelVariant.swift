import CKernels
import Testing

/// One implementation of a kernel signature: the scalar reference or a fast microkernel.
///
/// Every suite keeps a `variants` list; the scalar reference is first. Adding a microkernel
/// with the same C signature to that list is all it takes to have it checked, on every case
/// of the suite, against the scalar reference (and the reference against the Swift oracle).
struct KernelVariant<Function>: @unchecked Sendable, CustomTestStringConvertible {
    // @unchecked: `Function` is always a @convention(c) pointer to immutable code.
    let name: String
    let function: Function
    /// CPU features the variant needs (ck_cpu_features bits); 0 for portable code.
    let requiredFeatures: UInt32

    init(_ name: String, _ function: Function, requires requiredFeatures: UInt32 = 0) {
        self.name = name
        self.function = function
        self.requiredFeatures = requiredFeatures
    }

    /// False when this machine lacks an ISA extension the variant needs.
    var isAvailable: Bool {
        ck_cpu_features() & requiredFeatures == requiredFeatures
    }

    var testDescription: String { name }
}

/// The variants this machine can run. Test arguments are built through this, so a variant
/// for another ISA is left out (not failed) and one list serves x86-64 and a Raspberry Pi.
func available<Function>(_ variants: [KernelVariant<Function>]) -> [KernelVariant<Function>] {
    variants.filter(\.isAvailable)
}
