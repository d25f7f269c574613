#include "json_api.hpp"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "barbershop/common/grpc_codes.hpp"
#include "barbershop/common/text.hpp"
#include "status_mapping.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr const char* kJson = "application/json";
constexpr auto kCallDeadline = std::chrono::seconds(30);

common::HttpReply BadRequest(std::string_view message) { return JsonApi::Error(400, "INVALID_ARGUMENT", message); }

/// Whether a header value can travel as gRPC metadata: printable ASCII only.
bool Printable(std::string_view value) {
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool IsJson(std::string_view content_type) {
  const auto type = content_type.substr(0, content_type.find(';'));
  std::string lower;
  for (const char c : type) {
    if (c != ' ' && c != '\t') lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lower == kJson;
}

/// Sets `field` of `message` from the text `value`; false when the field's type cannot
/// take it (or cannot be given as text at all).
bool SetFromText(Message& message, const FieldDescriptor& field, const std::string& value) {
  const auto* reflection = message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(&message, &field, value);
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value != "true" && value != "false") return false;
      reflection->SetBool(&message, &field, value == "true");
      return true;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      long long number = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc{} || end != value.data() + value.size()) return false;
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
        reflection->SetInt64(&message, &field, number);
        return true;
      }
      if (number < INT32_MIN || number > INT32_MAX) return false;
      reflection->SetInt32(&message, &field, static_cast<std::int32_t>(number));
      return true;
    }
    default:
      return false;
  }
}

/// A GET's or DELETE's query string into `message`'s fields, by name.
common::Status FillFromQuery(std::string_view query, Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto pairs = common::ParseQuery(query);
  if (!pairs)
    return common::MakeError(common::ErrorCode::kInvalidArgument, "the query string has a malformed %-escape");
  std::vector<std::string> seen;
  for (const auto& [key, value] : *pairs) {
    if (key == "token") {
      return common::MakeError(common::ErrorCode::kInvalidArgument,
                               "send the token in the Authorization header, not in the URL");
    }
    const auto* field = descriptor->FindFieldByName(key);
    if (field == nullptr || field->is_repeated() || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return common::MakeError(common::ErrorCode::kInvalidArgument,
                               "unknown query parameter '" + key.substr(0, 64) + "'");
    }
    for (const auto& earlier : seen) {
      if (earlier == key) {
        return common::MakeError(common::ErrorCode::kInvalidArgument,
                                 "query parameter '" + key + "' is given more than once");
      }
    }
    seen.push_back(key);
    if (!SetFromText(message, *field, value)) {
      return common::MakeError(common::ErrorCode::kInvalidArgument,
                               "query parameter '" + key + "' is not a valid " + field->cpp_type_name());
    }
  }
  return common::Ok{};
}

/// What a call's answer becomes.
common::HttpReply Answer(const JsonRoute& route, const grpc::Status& status, const Message& response) {
  if (!status.ok()) {
    auto reply = JsonApi::Error(HttpStatusOf(status.error_code()), common::GrpcCodeName(status.error_code()),
                                status.error_message());
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      reply.headers.emplace_back("WWW-Authenticate", "Bearer");
    }
    return reply;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  common::HttpReply reply{route.success, kJson, {}, {{"Cache-Control", "no-store"}}};
  if (!google::protobuf::util::MessageToJsonString(response, &reply.body, options).ok()) {
    return JsonApi::Error(500, "INTERNAL", "the answer could not be written as JSON");
  }
  reply.body.push_back('\n');
  return reply;
}

}  // namespace

JsonApi::JsonApi(std::shared_ptr<grpc::ChannelInterface> channel, const common::TrustedProxies& proxies)
    : stub_(std::move(channel)), proxies_(proxies) {
  const auto* service = SignUpRequest::descriptor()->file()->FindServiceByName(UserService::service_full_name());
  if (service == nullptr) throw std::logic_error("the UserService descriptor is not linked in");
  for (const auto& route : JsonRoutes()) {
    const auto* method = service->FindMethodByName(std::string(route.rpc));
    if (method == nullptr) throw std::logic_error("JSON route names no UserService method " + std::string(route.rpc));
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::string_view path = route.path; !path.empty();) {
      const auto open = path.find('{');
      if (open == std::string_view::npos) break;
      const auto close = path.find('}', open);
      const std::string name(path.substr(open + 1, close - open - 1));
      const auto* field = method->input_type()->FindFieldByName(name);
      if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING || field->is_repeated()) {
        throw std::logic_error("JSON route " + std::string(route.path) + ": " + std::string(route.rpc) +
                               " has no text field " + name);
      }
      path.remove_prefix(close + 1);
    }
    methods_.emplace(route.rpc, Method{method, "/" + service->full_name() + "/" + method->name()});
  }
}

common::HttpReply JsonApi::Error(unsigned status, std::string_view code, std::string_view message) {
  return common::HttpReply{status,
                           kJson,
                           common::ToJsonText({{"code", code}, {"message", message}}) + "\n",
                           {{"Cache-Control", "no-store"}}};
}

std::unique_ptr<Message> JsonApi::Build(const common::HttpRequest& request, const RouteMatch& match,
                                        const Method& method, std::string_view query, common::HttpReply* error) const {
  std::unique_ptr<Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.descriptor->input_type())->New());
  if (match.route->TakesBody()) {
    if (!query.empty()) {
      *error = BadRequest("a " + request.method + " takes its fields in a JSON body, not in the query string");
      return nullptr;
    }
    if (!request.body.empty()) {
      if (!IsJson(request.Header("content-type"))) {
        *error = Error(415, "INVALID_ARGUMENT", "the body must be JSON, sent as Content-Type: application/json");
        return nullptr;
      }
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      const auto parsed = google::protobuf::util::JsonStringToMessage(request.body, message.get(), options);
      if (!parsed.ok()) {
        *error = BadRequest("the body is not a " + message->GetDescriptor()->name() + ": " +
                            std::string(parsed.message()).substr(0, 200));
        return nullptr;
      }
    }
  } else {
    if (!request.body.empty()) {
      *error = BadRequest("a " + request.method + " takes no body; its fields go in the query string");
      return nullptr;
    }
    if (auto filled = FillFromQuery(query, *message); !filled) {
      *error = BadRequest(filled.error().message);
      return nullptr;
    }
  }
  const auto* reflection = message->GetReflection();
  for (const auto& [name, value] : match.fields) {
    const auto* field = message->GetDescriptor()->FindFieldByName(name);
    const auto given = reflection->GetString(*message, field);
    if (!given.empty() && given != value) {
      *error = BadRequest(name + " in the body differs from the one in the path");
      return nullptr;
    }
    reflection->SetString(message.get(), field, value);
  }
  return message;
}

void JsonApi::Handle(const common::HttpRequest& request, common::HttpResponder respond) const {
  const std::string_view target = request.target;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  const auto match = MatchRoute(request.method, path);
  if (match.route == nullptr) {
    if (match.allow.empty()) {
      return respond(
          Error(404, "NOT_FOUND", "no such route: " + request.method + " " + std::string(path.substr(0, 200))));
    }
    auto reply = Error(405, "INVALID_ARGUMENT", request.method + " is not allowed here; allowed: " + match.allow);
    reply.headers.emplace_back("Allow", match.allow);
    return respond(std::move(reply));
  }
  const auto& method = methods_.find(match.route->rpc)->second;
  const auto authorization = request.Header("authorization");
  const auto idempotency_key = request.Header("idempotency-key");
  if (!Printable(authorization) || !Printable(idempotency_key)) {
    return respond(BadRequest("the Authorization and Idempotency-Key headers must be printable ASCII"));
  }
  common::HttpReply error;
  auto message = Build(request, match, method, query, &error);
  if (!message) return respond(std::move(error));

  Send(
      request, method, std::move(message), std::string(authorization), std::string(idempotency_key),
      [route = match.route](const grpc::Status& status, const Message& response) {
        return Answer(*route, status, response);
      },
      std::move(respond));
}

void JsonApi::HandleCalendar(const common::HttpRequest& request, common::HttpResponder respond) const {
  constexpr std::string_view kPrefix = "/calendar/";
  constexpr std::string_view kSuffix = ".ics";
  const auto text = [](unsigned status, std::string message) {
    return common::HttpReply{
        status, "text/plain; charset=utf-8", std::move(message) + "\n", {{"Cache-Control", "no-store"}}};
  };
  if (request.method != "GET") {
    auto reply = text(405, "a calendar feed is only read, with GET");
    reply.headers.emplace_back("Allow", "GET");
    return respond(std::move(reply));
  }
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path.size() <= kPrefix.size() + kSuffix.size() || path.substr(0, kPrefix.size()) != kPrefix ||
      path.substr(path.size() - kSuffix.size()) != kSuffix) {
    return respond(text(404, "no such calendar: a calendar link reads /calendar/<token>.ics"));
  }
  auto message = std::make_unique<GetCalendarFeedRequest>();
  message->set_token(std::string(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size())));
  Send(
      request, methods_.find("GetCalendarFeed")->second, std::move(message), {}, {},
      [text](const grpc::Status& status, const Message& response) {
        if (!status.ok()) return text(HttpStatusOf(status.error_code()), status.error_message());
        return common::HttpReply{200,
                                 "text/calendar; charset=utf-8",
                                 static_cast<const CalendarFeedResponse&>(response).calendar(),
                                 {{"Cache-Control", "no-store"}}};
      },
      std::move(respond));
}

void JsonApi::Send(const common::HttpRequest& request, const Method& method, std::unique_ptr<Message> message,
                   const std::string& authorization, const std::string& idempotency_key, Answerer answer,
                   common::HttpResponder respond) const {
  // One call's state, kept until its answer is written.
  struct Pending {
    grpc::ClientContext context;
    std::unique_ptr<Message> request;
    std::unique_ptr<Message> response;
    Answerer answer;
    common::HttpResponder respond;
  };
  auto pending = std::make_shared<Pending>();
  pending->request = std::move(message);
  pending->response.reset(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.descriptor->output_type())->New());
  pending->answer = std::move(answer);
  pending->respond = std::move(respond);
  auto& context = pending->context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  if (!idempotency_key.empty()) context.AddMetadata("idempotency-key", idempotency_key);
  // The client as this server sees it (its peer, or who a trusted gateway names): the
  // service believes this channel's X-Forwarded-For whole (ClientAddress).
  context.AddMetadata("x-forwarded-for", proxies_.ClientAddress(request.peer, request.Header("x-forwarded-for")));
  stub_.UnaryCall(
      &context, method.path, grpc::StubOptions(), pending->request.get(), pending->response.get(),
      [pending](const grpc::Status& status) { pending->respond(pending->answer(status, *pending->response)); });
}

}  // namespace barbershop::core::api
