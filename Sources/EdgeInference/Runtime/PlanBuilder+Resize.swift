import CKernels

/// Resize (nearest, linear) over the two spatial axes of a 4-D tensor, channels-last.
extension PlanBuilder {
    mutating func lowerResize(_ node: Node) throws {
        let x = try channelsLast(try value(node.inputs[0], node: node))
        let y = try output(node, channelsLast: true)
        let xs = values[x].shape, ys = values[y].shape
        guard xs.count == 4, xs[0] == ys[0], xs[1] == ys[1] else {
            throw RuntimeError(code: .unsupported, message: "Resize of other than the two spatial axes of a 4-D tensor", node: node.name)
        }
        var scaleH = Float(ys[2]) / Float(xs[2]), scaleW = Float(ys[3]) / Float(xs[3])
        if let scales = try constant(node, 2)?.floats(), scales.count == 4 {
            scaleH = scales[2]
            scaleW = scales[3]
        }
        let mode = try node.string("mode", default: "nearest")
        guard mode == "nearest" || mode == "linear" else {
            throw RuntimeError(code: .unsupported, message: "Resize mode '\(mode)' (nearest and linear run)", node: node.name)
        }
        let coords: [String: ck_resize_coord] = [
            "half_pixel": CK_RESIZE_HALF_PIXEL, "half_pixel_symmetric": CK_RESIZE_HALF_PIXEL_SYMMETRIC,
            "pytorch_half_pixel": CK_RESIZE_PYTORCH_HALF_PIXEL, "align_corners": CK_RESIZE_ALIGN_CORNERS,
            "asymmetric": CK_RESIZE_ASYMMETRIC, "tf_crop_and_resize": CK_RESIZE_TF_CROP_AND_RESIZE,
        ]
        let nearest: [String: ck_resize_nearest_mode] = [
            "round_prefer_floor": CK_NEAREST_ROUND_PREFER_FLOOR, "round_prefer_ceil": CK_NEAREST_ROUND_PREFER_CEIL,
            "floor": CK_NEAREST_FLOOR, "ceil": CK_NEAREST_CEIL,
        ]
        let coordName = try node.string("coordinate_transformation_mode", default: "half_pixel")
        let nearestName = try node.string("nearest_mode", default: "round_prefer_floor")
        guard let coord = coords[coordName], let nm = nearest[nearestName] else {
            throw RuntimeError(code: .unsupported, message: "Resize coordinate mode '\(coordName)' / nearest mode '\(nearestName)'", node: node.name)
        }
        var p = ck_resize_params()
        p.batch = xs[0]; p.channels = xs[1]; p.in_h = xs[2]; p.in_w = xs[3]; p.out_h = ys[2]; p.out_w = ys[3]
        p.scale_h = scaleH; p.scale_w = scaleW; p.coord = coord; p.nearest_mode = nm
        p.roi_end_h = 1; p.roi_end_w = 1
        if coord == CK_RESIZE_TF_CROP_AND_RESIZE, let roi = try constant(node, 1)?.floats(), roi.count == 8 {
            p.roi_start_h = roi[2]; p.roi_start_w = roi[3]; p.roi_end_h = roi[6]; p.roi_end_w = roi[7]
        }
        p.extrapolation_value = try node.float("extrapolation_value", default: 0)
        if let message = ck_resize_check(&p) {
            throw RuntimeError(code: .invalidModel, message: String(cString: message), node: node.name)
        }
        let params = Captured(p), linear = mode == "linear", type = values[x].elementType
        append(node.name, "Resize(\(mode))", [x], [y]) { f in
            var p = params.value
            switch (linear, type) {
            case (false, .int8): ck_resize_nearest_s8__scalar(&p, f.i8(x), f.i8(y))
            case (false, .uint8): ck_resize_nearest_u8__scalar(&p, f.u8(x), f.u8(y))
            case (false, _): ck_resize_nearest_f32__scalar(&p, f.f32(x), f.f32(y))
            case (true, .int8): ck_resize_linear_s8__scalar(&p, f.i8(x), f.i8(y))
            case (true, .uint8): ck_resize_linear_u8__scalar(&p, f.u8(x), f.u8(y))
            case (true, _): ck_resize_linear_f32__scalar(&p, f.f32(x), f.f32(y))
            }
        }
    }
}
