// The ABI's other numbered types (proxy-wasm/spec abi-versions/v0.2.1/README.md, "Types"), plus the
// filter statuses Envoy converts callback results into (proxy-wasm-cpp-host include/proxy-wasm/context.h).

export const enum LogLevelNumber { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Critical = 5 }

export const enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}
export const BUFFER_TYPE_MAX = 8;

export const enum MapType {
  HttpRequestHeaders = 0,
  HttpRequestTrailers = 1,
  HttpResponseHeaders = 2,
  HttpResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}
export const MAP_TYPE_MAX = 7;

export const enum StreamType { HttpRequest = 0, HttpResponse = 1, Downstream = 2, Upstream = 3 }

export const enum MetricType { Counter = 0, Gauge = 1, Histogram = 2 }

/** FilterHeadersStatus numbers as returned by proxy_on_{request,response}_headers. */
export const enum HeadersStatus {
  Continue = 0,
  StopIteration = 1,
  ContinueAndEndStream = 2,
  StopAllIterationAndBuffer = 3,
  StopAllIterationAndWatermark = 4,
}

/** FilterDataStatus numbers as returned by proxy_on_{request,response}_body. */
export const enum DataStatus {
  Continue = 0,
  StopIterationAndBuffer = 1,
  StopIterationAndWatermark = 2,
  StopIterationNoBuffer = 3,
}

/** wasi_errno_t values the WASI imports return (spec "wasi_errno_t"; cpp-host src/exports.cc). */
export const enum WasiErrno { Success = 0, Badf = 8, Fault = 21, Inval = 28, Noent = 44, Nosys = 52, Notsup = 58 }

/** gRPC status Envoy attaches to its wasm_fail_stream reply (Grpc::Status::WellKnownGrpcStatus::Unavailable). */
export const GRPC_UNAVAILABLE = 14;
