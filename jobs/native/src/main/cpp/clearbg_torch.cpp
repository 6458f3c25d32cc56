// libclearbg_torch.so: the native side of clearbg.jobs.torchbridge (see TorchNative.java).
//
// Loaded by the JVM only after DJL's PyTorch engine, and linked by soname to libtorch_cpu.so and libc10.so, so
// every torch symbol here binds to the libtorch DJL has already loaded. A DJL NDArray handle (a Java long) is a
// heap torch::Tensor* owned by DJL; this library never frees one.
//
// Only the headers this file needs are included: one translation unit, about 20 s and 0.75 GB to compile.
#include <jni.h>

#include <ATen/ATen.h>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using torch::autograd::FunctionPostHook;
using torch::autograd::Node;
using torch::autograd::variable_list;

JavaVM* java_vm = nullptr;

// Detaches a thread that this library attached to the JVM, when the thread ends.
struct AttachedThread {
  bool attached = false;
  ~AttachedThread() {
    if (attached) {
      java_vm->DetachCurrentThread();
    }
  }
};

// The JNIEnv of the calling thread. Autograd runs a CPU backward on the thread that called it (a Java thread);
// a thread of libtorch's own (a device queue, or a re-entrant backward's pool) is attached once, as a daemon.
JNIEnv* current_env() {
  JNIEnv* env = nullptr;
  if (java_vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) == JNI_OK) {
    return env;
  }
  thread_local AttachedThread thread;
  if (java_vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(&env), nullptr) != JNI_OK) {
    return nullptr;
  }
  thread.attached = true;
  return env;
}

// One call of TorchNative.addGradientReadyHooks: the Java object to notify and the hooks to remove again. It
// holds each parameter's gradient accumulator: a tensor keeps only a weak reference to its accumulator, which
// would otherwise die with each backward's graph, and the next forward pass would make a new one without hooks.
struct Registration {
  jobject target = nullptr;  // a global reference to the GradientReadyHooks
  jmethodID on_ready = nullptr;  // its void onReady(int)
  std::vector<std::pair<std::shared_ptr<Node>, uintptr_t>> hooks;  // accumulator, hook key
};

// Runs after a parameter's AccumulateGrad node has added this backward's gradient to the parameter's .grad,
// and tells Java the parameter's index. It leaves the gradients as they are.
class GradientReadyHook : public FunctionPostHook {
 public:
  GradientReadyHook(const Registration* registration, jint index) : registration_(registration), index_(index) {}

  variable_list operator()(const variable_list& outputs, const variable_list& /* inputs */) override {
    JNIEnv* env = current_env();
    if (env != nullptr) {
      env->CallVoidMethod(registration_->target, registration_->on_ready, index_);
      // onReady catches every Throwable itself; should one escape anyway, it is printed, not left pending
      // inside libtorch's backward.
      if (env->ExceptionCheck()) {
        env->ExceptionDescribe();
        env->ExceptionClear();
      }
    }
    return outputs;
  }

 private:
  const Registration* registration_;
  jint index_;
};

void remove_hooks(JNIEnv* env, Registration* registration) {
  for (auto& [accumulator, key] : registration->hooks) {
    accumulator->del_post_hook(key);
  }
  env->DeleteGlobalRef(registration->target);
  delete registration;
}

// One SyncBatchNorm of clearbg.jobs.torchbridge.SyncBatchNorm: the Java object whose String sumOverReplicas(double[])
// replaces the array by its element-wise sum over the replicas (null when it did, else why not).
struct SumOverReplicas {
  jobject target = nullptr;  // a global reference to the SyncBatchNorm
  jmethodID sum = nullptr;
};

// Sums `values` (float64, on the CPU, contiguous) over the replicas through Java, in place; throws on failure.
void sum_over_replicas(int64_t exchange, at::Tensor& values) {
  auto* sum = reinterpret_cast<SumOverReplicas*>(exchange);
  JNIEnv* env = current_env();
  if (env == nullptr) {
    throw std::runtime_error("SyncBatchNorm: this thread could not be attached to the JVM");
  }
  jsize length = static_cast<jsize>(values.numel());
  jdoubleArray array = env->NewDoubleArray(length);
  if (array == nullptr) {
    env->ExceptionClear();
    throw std::runtime_error("SyncBatchNorm: no memory for the statistics' exchange");
  }
  env->SetDoubleArrayRegion(array, 0, length, values.data_ptr<double>());
  auto failure = static_cast<jstring>(env->CallObjectMethod(sum->target, sum->sum, array));
  std::string why;
  if (env->ExceptionCheck()) {  // sumOverReplicas catches every Throwable itself; should one escape anyway
    env->ExceptionClear();
    why = "the exchange threw";
  } else if (failure != nullptr) {
    const char* chars = env->GetStringUTFChars(failure, nullptr);
    why = chars != nullptr ? chars : "the exchange failed";
    if (chars != nullptr) {
      env->ReleaseStringUTFChars(failure, chars);
    }
    env->DeleteLocalRef(failure);
  } else {
    env->GetDoubleArrayRegion(array, 0, length, values.data_ptr<double>());
  }
  env->DeleteLocalRef(array);
  if (!why.empty()) {
    throw std::runtime_error("SyncBatchNorm: the statistics' exchange failed: " + why);
  }
}

// The dimensions a BatchNorm reduces over: all but the channels (dimension 1).
std::vector<int64_t> reduced_dims(const at::Tensor& input) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < input.dim(); d++) {
    dims.push_back(d);
  }
  return dims;
}

// A per-channel vector shaped to broadcast over an input of `dim` dimensions (1 x C x 1 x ...).
at::Tensor per_channel(const at::Tensor& values, int64_t dim) {
  std::vector<int64_t> shape(dim, 1);
  shape[1] = values.numel();
  return values.view(shape);
}

// BatchNorm in training mode over the global batch of all replicas, as PyTorch's SyncBatchNorm computes it.
// Forward: per channel (count, sum x, sum x^2) summed over the replicas, then the global mean and biased
// variance normalise, and the running statistics move by `momentum` towards the global mean and unbiased
// variance. Backward: per channel (sum dy, sum dy * (x - mean)) summed over the replicas give the input's
// gradient; the weight's and bias's gradients come from this replica's sums only (the data-parallel average of
// the gradients then makes them the global batch's, as for every other parameter). The sums are float64.
class SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, const at::Tensor& running_mean, const at::Tensor& running_var,
                            double momentum, double eps, int64_t exchange) {
    TORCH_CHECK(input.dim() >= 2, "SyncBatchNorm: the input needs a channel dimension, got ", input.sizes());
    at::Tensor x = input.contiguous();
    int64_t channels = x.size(1);
    std::vector<int64_t> dims = reduced_dims(x);
    // this replica's sums, from its mean and biased variance (accumulated in float64 by ATen on the CPU)
    auto [local_var, local_mean] = at::var_mean(x, dims, /*unbiased=*/false, /*keepdim=*/false);
    double local_count = static_cast<double>(x.numel() / channels);
    at::Tensor mean64 = local_mean.to(at::kDouble);
    at::Tensor stats = at::cat({at::full({1}, local_count, mean64.options()), mean64 * local_count,
                                (local_var.to(at::kDouble) + mean64 * mean64) * local_count})
                           .contiguous();
    sum_over_replicas(exchange, stats);
    double count = stats[0].item<double>();
    TORCH_CHECK(count > 1, "SyncBatchNorm: expected more than one value per channel over all replicas, got ", count);
    at::Tensor global_mean = stats.slice(0, 1, 1 + channels) / count;
    at::Tensor global_var = (stats.slice(0, 1 + channels, 1 + 2 * channels) / count - global_mean * global_mean)
                                .clamp_min(0);
    at::Tensor invstd = (global_var + eps).rsqrt();
    {
      at::NoGradGuard no_grad;
      running_mean.copy_(running_mean.to(at::kDouble) * (1 - momentum) + global_mean * momentum);
      running_var.copy_(running_var.to(at::kDouble) * (1 - momentum) + global_var * (count / (count - 1)) * momentum);
    }
    // y = x * alpha + beta per channel, alpha = invstd * weight, beta = bias - mean * alpha (as ATen's CPU kernel)
    at::Tensor alpha = invstd * weight.to(at::kDouble);
    at::Tensor beta = bias.to(at::kDouble) - global_mean * alpha;
    at::Tensor output = x * per_channel(alpha.to(x.scalar_type()), x.dim()) +
                        per_channel(beta.to(x.scalar_type()), x.dim());
    ctx->save_for_backward({x, weight});
    ctx->saved_data["mean"] = global_mean;
    ctx->saved_data["invstd"] = invstd;
    ctx->saved_data["count"] = count;
    ctx->saved_data["exchange"] = exchange;
    return output;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& weight = saved[1];
    at::Tensor mean = ctx->saved_data["mean"].toTensor();
    at::Tensor invstd = ctx->saved_data["invstd"].toTensor();
    double count = ctx->saved_data["count"].toDouble();
    int64_t exchange = ctx->saved_data["exchange"].toInt();
    at::Tensor dy = grad_outputs[0].contiguous();
    int64_t channels = x.size(1);
    std::vector<int64_t> dims = reduced_dims(x);
    at::Tensor xmu = x - per_channel(mean.to(x.scalar_type()), x.dim());
    at::Tensor sum_dy = dy.sum(dims, false, at::kDouble);
    at::Tensor sum_dy_xmu = (dy * xmu).sum(dims, false, at::kDouble);
    at::Tensor grad_weight = (sum_dy_xmu * invstd).to(weight.scalar_type());
    at::Tensor grad_bias = sum_dy.to(weight.scalar_type());
    at::Tensor sums = at::cat({sum_dy, sum_dy_xmu}).contiguous();
    sum_over_replicas(exchange, sums);
    at::Tensor mean_dy = sums.slice(0, 0, channels) / count;
    at::Tensor k = sums.slice(0, channels, 2 * channels) / count * invstd * invstd;
    at::Tensor scale = invstd * weight.to(at::kDouble);
    auto type = x.scalar_type();
    at::Tensor grad_input = (dy - per_channel(mean_dy.to(type), x.dim()) - xmu * per_channel(k.to(type), x.dim())) *
                            per_channel(scale.to(type), x.dim());
    return {grad_input, grad_weight, grad_bias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

void throw_java(JNIEnv* env, const char* class_name, const std::string& message) {
  jclass type = env->FindClass(class_name);
  if (type != nullptr) {
    env->ThrowNew(type, message.c_str());
  }
}

}  // namespace

extern "C" {

JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void* /* reserved */) {
  java_vm = vm;
  return JNI_VERSION_1_8;
}

// "major.minor.patch" of the torch headers this library was compiled against.
JNIEXPORT jstring JNICALL Java_clearbg_jobs_torchbridge_TorchNative_headerVersion(JNIEnv* env, jclass) {
  std::string version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                        std::to_string(TORCH_VERSION_PATCH);
  return env->NewStringUTF(version.c_str());
}

// Adds a GradientReadyHook with index i to the gradient accumulator of tensors[i] (DJL handles) and returns the
// registration, or 0 with a Java IllegalArgumentException (no hook left behind) when a tensor has none.
JNIEXPORT jlong JNICALL Java_clearbg_jobs_torchbridge_TorchNative_addGradientReadyHooks(
    JNIEnv* env, jclass, jlongArray tensors, jobject target) {
  auto* registration = new Registration();
  registration->target = env->NewGlobalRef(target);
  registration->on_ready = env->GetMethodID(env->GetObjectClass(target), "onReady", "(I)V");
  if (registration->on_ready == nullptr) {  // NoSuchMethodError is pending
    remove_hooks(env, registration);
    return 0;
  }
  jsize count = env->GetArrayLength(tensors);
  std::vector<jlong> handles(count);
  env->GetLongArrayRegion(tensors, 0, count, handles.data());
  try {
    for (jsize i = 0; i < count; i++) {
      const auto& tensor = *reinterpret_cast<const at::Tensor*>(handles[i]);
      std::shared_ptr<Node> accumulator =
          tensor.requires_grad() ? torch::autograd::impl::grad_accumulator(tensor) : nullptr;
      if (!accumulator) {
        throw std::invalid_argument("parameter " + std::to_string(i) +
                                    " has no gradient accumulator (it must be a leaf that requires a gradient)");
      }
      uintptr_t key = accumulator->add_post_hook(std::make_unique<GradientReadyHook>(registration, i));
      registration->hooks.emplace_back(std::move(accumulator), key);
    }
  } catch (const std::exception& e) {
    remove_hooks(env, registration);
    throw_java(env, "java/lang/IllegalArgumentException", e.what());
    return 0;
  }
  return reinterpret_cast<jlong>(registration);
}

// Removes the hooks of a registration from addGradientReadyHooks and frees it.
JNIEXPORT void JNICALL Java_clearbg_jobs_torchbridge_TorchNative_removeGradientReadyHooks(
    JNIEnv* env, jclass, jlong registration) {
  remove_hooks(env, reinterpret_cast<Registration*>(registration));
}

// Makes the exchange of a SyncBatchNorm: its String sumOverReplicas(double[]) is called in every forward and
// backward pass of syncBatchNorm with it. Freed by freeSyncBatchNorm.
JNIEXPORT jlong JNICALL Java_clearbg_jobs_torchbridge_TorchNative_newSyncBatchNorm(JNIEnv* env, jclass,
                                                                                   jobject target) {
  jmethodID method = env->GetMethodID(env->GetObjectClass(target), "sumOverReplicas", "([D)Ljava/lang/String;");
  if (method == nullptr) {  // NoSuchMethodError is pending
    return 0;
  }
  auto* sum = new SumOverReplicas();
  sum->target = env->NewGlobalRef(target);
  sum->sum = method;
  return reinterpret_cast<jlong>(sum);
}

JNIEXPORT void JNICALL Java_clearbg_jobs_torchbridge_TorchNative_freeSyncBatchNorm(JNIEnv* env, jclass,
                                                                                   jlong exchange) {
  auto* sum = reinterpret_cast<SumOverReplicas*>(exchange);
  env->DeleteGlobalRef(sum->target);
  delete sum;
}

// BatchNorm in training mode over all replicas (SyncBatchNormFunction) on DJL handles; returns the output as a new
// heap tensor that DJL owns, or 0 with a Java IllegalStateException pending.
JNIEXPORT jlong JNICALL Java_clearbg_jobs_torchbridge_TorchNative_syncBatchNorm(
    JNIEnv* env, jclass, jlong input, jlong weight, jlong bias, jlong running_mean, jlong running_var,
    jdouble momentum, jdouble eps, jlong exchange) {
  try {
    const auto& x = *reinterpret_cast<const at::Tensor*>(input);
    const auto& w = *reinterpret_cast<const at::Tensor*>(weight);
    const auto& b = *reinterpret_cast<const at::Tensor*>(bias);
    const auto& mean = *reinterpret_cast<const at::Tensor*>(running_mean);
    const auto& var = *reinterpret_cast<const at::Tensor*>(running_var);
    at::Tensor output = SyncBatchNormFunction::apply(x, w, b, mean, var, momentum, eps, static_cast<int64_t>(exchange));
    return reinterpret_cast<jlong>(new at::Tensor(std::move(output)));
  } catch (const std::exception& e) {
    throw_java(env, "java/lang/IllegalStateException", e.what());
    return 0;
  }
}

}  // extern "C"
