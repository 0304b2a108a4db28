import CKernels

extension CompiledModel {
    /// Physical cores of this machine (not SMT siblings): the default intra-op thread count,
    /// because two hyperthreads of one core share the vector units the kernels saturate.
    public static var physicalCores: Int { max(Int(ck_physical_cores()), 1) }
}
